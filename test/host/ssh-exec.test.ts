import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { remoteCommand, shellQuote, sshArgv, sshReason } from '../../src/host/ssh-exec.js';

const target = { address: '172.16.0.2', clientKey: '/var/lib/vlab/seed/ssh/id_ed25519', knownHosts: '/var/lib/vlab/seed/ssh/known_hosts', alias: 'vlab-seed-web' };

test('shellQuote leaves plain words alone and single-quotes the rest', () => {
  assert.equal(shellQuote('ip'), 'ip');
  assert.equal(shellQuote('-4'), '-4');
  assert.equal(shellQuote('a b'), `'a b'`);
  assert.equal(shellQuote(''), `''`);
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test('remoteCommand: a POSIX shell gets back exactly the argv words (what sshd hands the command to)', async () => {
  const words = ['a b', "it's", '$HOME', '`id`', '*', '', 'x;y', '"q"', 'back\\slash', 'new\nline', '~', '-n'];
  const r = await execa('/bin/sh', ['-c', `printf '[%s]' ${remoteCommand(words)}`]);
  assert.equal(r.stdout, words.map((w) => `[${w}]`).join(''));
  const d = await execa('/bin/dash', ['-c', `printf '[%s]' ${remoteCommand(words)}`], { reject: false });
  if (d.exitCode === 0) assert.equal(d.stdout, r.stdout);
});

test('sshArgv pins the host key, uses only the lab key, never prompts and reads no user config', () => {
  const argv = sshArgv(target, ['ip', '-4', 'addr'], { connectTimeoutSec: 5, stdin: false });
  const opts = argv.flatMap((a, i) => (argv[i - 1] === '-o' ? [a] : []));
  for (const o of [
    'IdentitiesOnly=yes',
    'BatchMode=yes',
    'StrictHostKeyChecking=yes',
    `UserKnownHostsFile=${target.knownHosts}`,
    'GlobalKnownHostsFile=/dev/null',
    `HostKeyAlias=${target.alias}`,
    'HostKeyAlgorithms=ssh-ed25519',
    'ConnectTimeout=5',
  ]) {
    assert.ok(opts.includes(o), `missing -o ${o}`);
  }
  assert.deepEqual(argv.slice(0, 3), ['ssh', '-F', '/dev/null']);
  assert.equal(argv[argv.indexOf('-i') + 1], target.clientKey);
  assert.ok(argv.includes('-n'), 'stdin from /dev/null when none is given');
  assert.ok(!sshArgv(target, ['cat'], { connectTimeoutSec: 5, stdin: true }).includes('-n'));
  assert.deepEqual(argv.slice(-4), ['-l', 'root', '172.16.0.2', 'ip -4 addr']);
  assert.equal(sshArgv(target, [], { connectTimeoutSec: 2, stdin: false }).at(-1), 'true', 'a handshake runs `true`');
});

test('sshReason picks the line that says what failed', () => {
  const changed = [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Host key for vlab-l-a has changed and you have requested strict checking.',
    'Host key verification failed.',
  ].join('\r\n');
  assert.equal(sshReason(changed), 'Host key verification failed.');
  assert.equal(sshReason('ssh: connect to host 10.0.0.2 port 22: Connection refused\r\n'), 'ssh: connect to host 10.0.0.2 port 22: Connection refused');
  assert.equal(sshReason('something else\n'), 'something else');
});
