/**
 * The broken-lab corpus (test/fixtures/broken): every file has one deliberate mistake (a few have
 * several) and must fail validation with every problem located and explained. The formatted
 * problems are kept as goldens in test/golden/validation/NN-name.txt; update them with
 * `npm run golden:update` and read every changed line.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { formatProblem, ValidationError, type Problem } from '../../src/errors.js';
import { parseLab } from '../../src/spec/load.js';
import { assertGolden } from './helpers.js';

const BROKEN = fileURLToPath(new URL('../fixtures/broken/', import.meta.url));
const files = readdirSync(BROKEN).filter((f) => /^\d\d-[a-z0-9-]+\.yaml$/.test(f)).sort();

/**
 * Corpus files whose current messages are wrong or unhelpful: no golden is written for them until
 * the message is fixed in src/spec (then drop the entry and run `npm run golden:update`).
 */
const PENDING: Record<string, string> = {};

/** Problems that cannot have a YAML path: the document itself is broken. */
const documentLevel = (p: Problem) => p.message.startsWith('YAML syntax:') || p.message === 'a lab file must be a YAML mapping';

function problemsOf(file: string): Problem[] {
  const abs = join(BROKEN, file);
  try {
    parseLab(readFileSync(abs, 'utf8'), abs);
  } catch (e) {
    assert.ok(e instanceof ValidationError, `${file}: expected a ValidationError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail(`${file}: parseLab accepted a broken lab file`);
}

test('the corpus has at least 45 broken lab files', () => {
  assert.ok(files.length >= 45, `only ${files.length} files in test/fixtures/broken`);
  const numbers = files.map((f) => f.slice(0, 2));
  assert.equal(new Set(numbers).size, numbers.length, 'corpus numbers must be unique');
});

for (const file of files) {
  const name = file.replace(/\.yaml$/, '');
  const pending = PENDING[file];
  test(`broken/${file}`, { todo: pending }, () => {
    const problems = problemsOf(file);
    assert.ok(problems.length > 0, 'a ValidationError must carry at least one problem');
    const abs = join(BROKEN, file);
    for (const p of problems) {
      assert.equal(p.file, abs, 'every problem names the lab file');
      assert.ok(p.line !== undefined && p.line >= 1, `no line number: ${formatProblem(p)}`);
      assert.ok(p.column !== undefined && p.column >= 1, `no column: ${formatProblem(p)}`);
      if (!documentLevel(p)) assert.notEqual(p.path, '', `no YAML path: ${formatProblem(p)}`);
      assert.ok(p.message.trim().length > 0, 'empty message');
    }
    const lines = [...problems.map((p) => p.line!)];
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b), 'problems are reported in file order');
    const text = problems.map((p) => formatProblem({ ...p, file: `broken/${file}` })).join('\n') + '\n';
    if (pending && process.env.VLAB_UPDATE_GOLDEN === '1') return; // do not bake a known-bad message into a golden
    assertGolden(`validation/${name}.txt`, text);
  });
}

test('a file with several mistakes reports all of them in one run', () => {
  const several = files.filter((f) => /several|schema-and-semantic/.test(f));
  assert.ok(several.length >= 2);
  for (const f of several) assert.ok(problemsOf(f).length >= 3, `${f} should report 3+ problems`);
});

test('every problem in the corpus points at the line the mistake is on', () => {
  // Each corpus file's comment names the mistake; spot-check the exact line of a few.
  const at = (f: string, line: number, path: string) => {
    const ps = problemsOf(f);
    assert.ok(ps.some((p) => p.line === line && p.path === path), `${f}: want a problem at line ${line} (${path}), got\n${ps.map((p) => formatProblem(p)).join('\n')}`);
  };
  at('02-duplicate-key.yaml', 14, '');
  at('07-unknown-top-key.yaml', 14, 'verfiy');
  at('10-unknown-interface-key.yaml', 14, 'guests.web.interfaces[0].adress');
  at('24-address-outside.yaml', 17, 'guests.db.interfaces[0].address');
  at('28-duplicate-address.yaml', 17, 'guests.db.interfaces[0].address');
  at('37-unknown-network-ref.yaml', 17, 'guests.db.interfaces[0].network');
  at('43-external-inside-lab.yaml', 17, 'verify.external[1]');
});
