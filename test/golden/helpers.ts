/**
 * Golden-file assertions: compare rendered text with test/golden/<name>. With
 * VLAB_UPDATE_GOLDEN=1 (npm run golden:update) the file is written instead and the change is
 * printed; review the diff before committing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOLDEN_DIR = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.VLAB_UPDATE_GOLDEN === '1';

/** Asserts `actual` equals golden file test/golden/<name> (or rewrites it in update mode). */
export function assertGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  const shown = relative(process.cwd(), file);
  const expected = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (UPDATE) {
    if (expected === actual) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    console.log(`golden: ${expected === undefined ? 'created' : 'updated'} ${shown}`);
    return;
  }
  if (expected === undefined) {
    assert.fail(`golden file ${shown} is missing: run \`npm run golden:update\` and review the diff (git diff test/golden)`);
  }
  assert.equal(actual, expected, `${shown} differs from the rendered output; if the change is intended run \`npm run golden:update\` and review the diff`);
}
