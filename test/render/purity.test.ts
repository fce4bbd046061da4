/** src/render is pure: no file system, processes or libvirt. Adapters do the I/O. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../../src/render', import.meta.url));
const FORBIDDEN = /from\s+['"](node:)?(fs|fs\/promises|child_process|execa|@unraid\/libvirt|net|http|https)['"]|import\(/;

test('src/render imports no I/O modules', () => {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const src = readFileSync(join(root, f), 'utf8');
    assert.doesNotMatch(src, FORBIDDEN, `src/render/${f} must stay pure`);
  }
});
