#!/usr/bin/env node
// Entry point. Runs the compiled CLI in dist/ (built by `npm run build`, which npm's `prepare`
// runs at install) when it is at least as new as every source file; otherwise runs the
// TypeScript sources through tsx, and says why under -v/--verbose.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of any file under dir. */
function newest(dir) {
  let max = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

let why;
try {
  const built = fs.statSync(path.join(root, 'dist', '.build-stamp')).mtimeMs;
  if (newest(path.join(root, 'src')) > built) why = 'dist/ is older than src/ (npm run build)';
} catch {
  why = 'no build in dist/ (npm run build)';
}
if (!why) {
  await import('../dist/cli/main.js');
} else {
  if (process.argv.includes('-v') || process.argv.includes('--verbose')) process.stderr.write(`vlab: running the TypeScript sources through tsx: ${why}\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
