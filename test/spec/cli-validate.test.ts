/**
 * `vlab validate` on broken lab files: exit 2, every problem as file:line on stderr, and not one
 * command that changes the host (with -v every subprocess is traced as a `  $ ` line).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { execa } from 'execa';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/vlab.js', import.meta.url));
const BROKEN = fileURLToPath(new URL('../fixtures/broken/', import.meta.url));

/** Commands that would change the host; none may run while validating. */
const MUTATING = [
  /^ip (-\S+ )*link add\b/,
  /^ip (-\S+ )*addr(ess)? add\b/,
  /^ip (-\S+ )*link set\b/,
  /^iptables\b.* -[AI] /,
  /^sysctl\b.* -w\b/,
  /^virsh\b.* (define|net-define|create|net-create|start|net-start)\b/,
  /^qemu-img create\b/,
  /^guestfish\b/,
];

/** Corpus files with the line the (first) problem is on. Schema-level and semantic mistakes both. */
const CASES: [file: string, line: number][] = [
  ['07-unknown-top-key.yaml', 14],
  ['19-cidr-host-bits.yaml', 5],
  ['28-duplicate-address.yaml', 17],
  ['37-unknown-network-ref.yaml', 17],
  ['59-several-problems.yaml', 6],
];

async function validate(file: string) {
  return execa('node', [BIN, '-v', '-f', BROKEN + file, 'validate'], {
    cwd: ROOT,
    reject: false,
    timeout: 60_000,
    env: { VLAB_STATE_DIR: '/nonexistent/vlab-test-state', NO_COLOR: '1' },
  });
}

for (const [file, line] of CASES) {
  test(`vlab validate ${file}: exit 2, file:line on stderr, no host change`, async () => {
    const r = await validate(file);
    assert.equal(r.exitCode, 2, `exit code ${r.exitCode}\nstderr:\n${r.stderr}`);
    assert.ok(r.stderr.includes(`${BROKEN}${file}:${line}:`), `stderr should name ${file}:${line}:\n${r.stderr}`);
    const traced = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('  $ '))
      .map((l) => l.slice(4));
    for (const cmd of traced) {
      for (const re of MUTATING) assert.doesNotMatch(cmd, re, `validate ran a command that changes the host: ${cmd}`);
    }
    // Validation is one pass: images are read too (qemu-img info, read-only), and nothing else runs.
    const others = traced.filter((c) => !c.startsWith('qemu-img info '));
    assert.deepEqual(others, [], `validate of an invalid file should run nothing but qemu-img info, ran:\n${others.join('\n')}`);
    assert.equal(r.stdout, '', 'nothing on stdout when the lab is invalid');
  });
}

test('vlab validate reports every problem of a file with several mistakes', async () => {
  const r = await validate('59-several-problems.yaml');
  for (const line of [6, 13, 19, 23, 26]) assert.ok(r.stderr.includes(`59-several-problems.yaml:${line}:`), `line ${line} missing:\n${r.stderr}`);
  assert.match(r.stderr, /fix: did you mean 'isolation'\?/);
});
