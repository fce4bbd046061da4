import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostError } from '../../../src/errors.js';
import { createRunner, type RunOptions, type RunResult } from '../../../src/host/run.js';
import { copyToHost, remoteSha256 } from '../../../src/host/remote/copy-file.js';
import { shellRun } from './local-shell.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const result = (argv: string[], exitCode = 0, stdout = '', skipped = false): RunResult => ({ argv, exitCode, stdout, stderr: '', durationMs: 1, skipped, timedOut: false });

/** A fake remote run: `sums` answers sha256sum, everything else succeeds (or is skipped in dry-run). */
function fakeRemote(sum: string | undefined, dryRun = false) {
  const calls: { argv: string[]; opts: RunOptions }[] = [];
  const run = async (argv: string[], opts: RunOptions = {}) => {
    calls.push({ argv, opts });
    if (dryRun && !opts.readOnly) return result(argv, 0, '', true);
    if (argv.join(' ').includes('sha256sum')) return sum ? result(argv, 0, `${sum}  ${argv.at(-1)}\n`) : result(argv, 3);
    return result(argv);
  };
  return { run, calls };
}
const localSum = (sum: string) => async (argv: string[]) => result(argv, 0, `${sum}  ${argv.at(-1)}\n`);

test('copyToHost: streams the file into a temp file beside the destination, compares the sums, then renames', async () => {
  const { run, calls } = fakeRemote(A);
  assert.equal(await copyToHost(localSum(A), run, '/var/lib/vlab/lab/disks/web.qcow2', '/var/lib/vlab/lab/disks/web.qcow2', 0o600), A);
  const [send, sum, move] = calls;
  assert.equal(send?.opts.inputFile, '/var/lib/vlab/lab/disks/web.qcow2');
  const tmp = send!.argv.at(-1)!;
  assert.match(tmp, /^\/var\/lib\/vlab\/lab\/disks\/\.web\.qcow2\.vlab-\d+-[0-9a-f]+\.tmp$/);
  assert.equal(sum?.argv.at(-1), tmp);
  assert.deepEqual(move?.argv.slice(-3), [tmp, '600', '/var/lib/vlab/lab/disks/web.qcow2']);
  assert.equal(calls.length, 3);
});

test('copyToHost: different sums remove the temp file and name both sums; nothing is renamed', async () => {
  const { run, calls } = fakeRemote(B);
  await assert.rejects(copyToHost(localSum(A), run, '/l/x', '/r/x', 0o644), (e: unknown) => e instanceof HostError && e.message.includes(A) && e.message.includes(B));
  assert.deepEqual(calls.at(-1)?.argv.slice(0, 3), ['rm', '-f', '--']);
  assert.ok(!calls.some((c) => c.argv.join(' ').includes('mv -f')));
});

test('copyToHost in dry-run copies nothing; remoteSha256 is undefined for a missing file', async () => {
  const { run, calls } = fakeRemote(A, true);
  assert.equal(await copyToHost(localSum(A), run, '/l/x', '/r/x', 0o644), A);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.opts.inputFile, '/l/x');
  assert.equal(await remoteSha256(fakeRemote(undefined).run, '/r/none'), undefined);
  await assert.rejects(copyToHost(localSum(A), run, '/l/x', 'relative', 0o644), /not an absolute path/);
});

test('copyToHost against this machine through sh -c: a binary file with an odd name arrives whole, with its mode', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-copy-'));
  try {
    const src = path.join(root, 'source disk.img');
    const data = crypto.randomBytes(3 * 1024 * 1024 + 17);
    fs.writeFileSync(src, data);
    const destDir = path.join(root, `dest "it's" $x`);
    fs.mkdirSync(destDir);
    const dest = path.join(destDir, 'web $1.qcow2');
    const { run } = createRunner();
    const sum = await copyToHost(run, shellRun, src, dest, 0o640);
    assert.equal(sum, crypto.createHash('sha256').update(data).digest('hex'));
    assert.ok(fs.readFileSync(dest).equals(data));
    assert.equal(fs.statSync(dest).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(destDir), ['web $1.qcow2'], 'no temp file left');
    assert.equal(await remoteSha256(shellRun, dest), sum);
    assert.equal(await remoteSha256(shellRun, dest + '.none'), undefined);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
