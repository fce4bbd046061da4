import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { CommandError, HostUnreachableError } from '../../../src/errors.js';
import { createRunner, type RunOptions, type RunResult } from '../../../src/host/run.js';
import { remoteCommandLine, remoteRun, remoteRunSync } from '../../../src/host/remote/remote-run.js';
import type { SshTarget } from '../../../src/host/remote/ssh-target.js';

const T: SshTarget = { name: 'hv2', host: '10.0.0.2', user: 'root', identity: '/k/id' };
const controlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-ctl-'));

const result = (argv: string[], exitCode = 0, stderr = '', stdout = ''): RunResult => ({ argv, exitCode, stdout, stderr, durationMs: 1, skipped: false, timedOut: false });

/** A local run that records its calls and answers with `answer`. */
function fakeLocal(answer: (argv: string[], opts: RunOptions) => RunResult = (a) => result(a)) {
  const calls: { argv: string[]; opts: RunOptions }[] = [];
  const run = async (argv: string[], opts: RunOptions = {}) => {
    calls.push({ argv, opts });
    const r = answer(argv, opts);
    if (r.exitCode !== 0 && !opts.allowFailure) throw new CommandError(argv, r.exitCode, r.stderr, opts.hint);
    return r;
  };
  return { run, calls };
}

test('remoteCommandLine: a POSIX shell splits it back into the same words; env becomes leading env K=V words', async () => {
  const words = ['printf', '[%s]', 'a b', "it's", '$HOME', '`id`', '*', '', 'x;y', '"q"', 'back\\slash', 'new\nline', '~', '-n', "a'b!c", '#x'];
  const r = await execa('/bin/sh', ['-c', remoteCommandLine(words)]);
  assert.equal(
    r.stdout,
    words
      .slice(2)
      .map((w) => `[${w}]`)
      .join(''),
  );
  const line = remoteCommandLine(['sh', '-c', 'printf %s "$V"'], { V: 'x y $z' });
  assert.match(line, /^env /);
  assert.equal((await execa('/bin/sh', ['-c', line])).stdout, 'x y $z');
  assert.throws(() => remoteCommandLine(['true'], { 'A B': '1' }), /not an environment variable name/);
  assert.throws(() => remoteCommandLine([]), /empty command/);
});

test('remoteRun: ssh <options> <host> -- <quoted command>, the options passed through, env moved into the command, the host in the hint', async () => {
  const { run, calls } = fakeLocal();
  const remote = remoteRun(run, T, controlDir);
  await remote(['ip', 'link', 'add', 'br 0'], { readOnly: true, timeoutMs: 5000, input: 'x', env: { LC_ALL: 'C' }, hint: 'is iproute2 there?' });
  const { argv, opts } = calls[0]!;
  assert.equal(argv[0], 'ssh');
  assert.deepEqual(argv.slice(-3), ['10.0.0.2', '--', `env LC_ALL=C ip link add 'br 0'`]);
  assert.ok(argv.includes(`ControlPath=${controlDir}/%C`));
  assert.deepEqual(opts, { readOnly: true, timeoutMs: 5000, input: 'x', hint: 'on host hv2: is iproute2 there?' });
  assert.equal(fs.statSync(controlDir).mode & 0o777, 0o700);
});

test("remoteRun: ssh's own failure is HostUnreachableError (with allowFailure too); the remote command's failure stays a CommandError", async () => {
  for (const stderr of [
    'ssh: connect to host 10.0.0.2 port 22: Connection refused',
    'ssh: connect to host 10.0.0.2 port 22: No route to host',
    'ssh: connect to host 10.0.0.2 port 22: Connection timed out',
    'ssh: Could not resolve hostname hv2: Name or service not known',
    'root@10.0.0.2: Permission denied (publickey).',
    'No ED25519 host key is known for 10.0.0.2 and you have requested strict checking.\nHost key verification failed.',
  ]) {
    for (const allowFailure of [false, true]) {
      const remote = remoteRun(fakeLocal((a) => result(a, 255, stderr)).run, T, controlDir);
      await assert.rejects(
        remote(['true'], { allowFailure }),
        (e: unknown) => e instanceof HostUnreachableError && e.host === 'hv2' && e.message.includes('root@10.0.0.2') && !!e.hint,
        stderr,
      );
    }
  }
  const key = remoteRun(fakeLocal((a) => result(a, 255, 'Host key verification failed.')).run, T, controlDir);
  await assert.rejects(key(['true']), (e: unknown) => e instanceof HostUnreachableError && /known_hosts/.test(e.hint ?? ''));
  const cmd255 = remoteRun(fakeLocal((a) => result(a, 255, 'my tool: exploded')).run, T, controlDir);
  await assert.rejects(cmd255(['mytool']), (e: unknown) => e instanceof CommandError && !(e instanceof HostUnreachableError) && e.exitCode === 255);
  assert.equal((await cmd255(['mytool'], { allowFailure: true })).exitCode, 255);
  const exit1 = remoteRun(fakeLocal((a) => result(a, 1, 'Cannot find device "x"')).run, T, controlDir);
  assert.equal((await exit1(['ip', 'link', 'show', 'x'], { allowFailure: true })).exitCode, 1);
});

test('remoteRun through a real dry-run runner: changes are skipped and traced as the ssh argv, reads run', async () => {
  const seen: string[][] = [];
  const runner = createRunner({ dryRun: true, trace: (e) => seen.push(e.argv) });
  const remote = remoteRun(runner.run, T, controlDir);
  const r = await remote(['ip', 'link', 'del', 'br0']);
  assert.equal(r.skipped, true);
  assert.equal(seen[0]?.[0], 'ssh');
  assert.equal(seen[0]?.at(-1), 'ip link del br0');
  assert.equal(remoteRunSync(runner.runSync, T, controlDir)(['rm', '-rf', '--', '/x']).skipped, true);
});

test('remoteRunSync: the same argv and the same ssh-failure rule', () => {
  const calls: string[][] = [];
  const sync = remoteRunSync(
    (argv, opts = {}) => {
      calls.push(argv);
      const r = result(argv, argv.at(-1) === 'false' ? 255 : 0, argv.at(-1) === 'false' ? 'ssh: connect to host 10.0.0.2 port 22: Connection refused' : '');
      if (r.exitCode !== 0 && !opts.allowFailure) throw new CommandError(argv, r.exitCode, r.stderr);
      return r;
    },
    T,
    controlDir,
  );
  sync(['cat', '/etc/x y']);
  assert.equal(calls[0]?.at(-1), `cat '/etc/x y'`);
  assert.throws(() => sync(['false']), HostUnreachableError);
});
