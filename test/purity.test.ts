/**
 * The pure core imports no I/O: the lab model (spec), the planner (plan), the renderers (render)
 * and verify's checks and reports. Adapters in src/host do the I/O. (ESLint's no-restricted-imports
 * says the same in the editor; this test also catches dynamic imports and require.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const IO_MODULE = String.raw`(node:)?(fs|fs\/promises|child_process|net|http|https)|execa|@unraid\/libvirt`;
const STATIC = new RegExp(String.raw`(from|import)\s+['"](${IO_MODULE})['"]`);
const DYNAMIC = new RegExp(String.raw`import\(\s*['"](${IO_MODULE})['"]`);
const REQUIRE = new RegExp(String.raw`require\(\s*['"](${IO_MODULE})['"]`);

/** Pure folders, and the pure files of folders that also hold I/O (verify runs checks through a port). */
const PURE: { dir: string; files?: (f: string) => boolean }[] = [{ dir: 'spec' }, { dir: 'plan' }, { dir: 'render' }, { dir: 'verify', files: (f) => f !== 'run-checks.ts' }];

for (const { dir, files: pick } of PURE) {
  test(`src/${dir} imports no I/O module`, () => {
    const files = readdirSync(join(SRC, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && (pick?.(f) ?? true));
    assert.ok(files.length > 0, `no sources under src/${dir}`);
    for (const f of files) {
      const src = readFileSync(join(SRC, dir, f), 'utf8');
      for (const re of [STATIC, DYNAMIC, REQUIRE]) {
        const m = re.exec(src);
        assert.equal(m, null, `src/${dir}/${f} must stay pure but imports '${m?.[2]}'`);
      }
    }
  });
}

test('the purity check itself catches each forbidden import form', () => {
  for (const line of [
    "import fs from 'node:fs';",
    'import { readFileSync } from "fs";',
    "import { execa } from 'execa';",
    "import 'child_process';",
    "await import('@unraid/libvirt')",
    "require('fs/promises')",
    "import http from 'node:http';",
  ]) {
    assert.ok(
      [STATIC, DYNAMIC, REQUIRE].some((re) => re.test(line)),
      line,
    );
  }
  for (const line of ["import path from 'node:path';", "import { createHash } from 'node:crypto';", "import type { Host } from '../host/index.js';"]) {
    assert.ok(![STATIC, DYNAMIC, REQUIRE].some((re) => re.test(line)), line);
  }
});
