/**
 * The ssh exec transport for real, in the sandbox, with tiny guests (dropbear): a guest with
 * `exec: ssh` comes up, answers `vlab exec` and `vlab verify` over SSH (the --verbose trace shows
 * ssh, not the agent), argv reaches the guest word for word, exit codes pass through, the host
 * key is pinned (a wrong known_hosts entry fails loudly), and an `exec: auto` guest whose agent
 * dies is reached over SSH instead. `down` leaves nothing, keys included.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { REPO, sandboxSkipReason, sleep } from './helpers/env.js';
import { snapshot, vlab, writeLab, outsideUp } from './helpers/vlab.js';

const skip = sandboxSkipReason();
const NAME = 'sshlab';
const STATE = path.join(process.env.VLAB_STATE_DIR ?? '/var/lib/vlab', NAME);
let file = '';
let baseline = '';

const LAB = `name: ${NAME}
networks:
  lan:
    cidr: 172.30.7.0/24
    nat: true
images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  viassh:
    image: tiny
    memory: 160
    exec: ssh
    interfaces: [ { network: lan, address: 172.30.7.11 } ]
  auto:
    image: tiny
    memory: 160
    interfaces: [ { network: lan, address: 172.30.7.12 } ]
verify:
  external: [198.18.0.2]
`;

/** The commands vlab ran, from its --verbose trace. */
const traced = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('  $ '))
    .map((l) => l.slice(4));

before(async () => {
  if (skip) return;
  await outsideUp();
  baseline = await snapshot();
  file = await writeLab(await mkdtemp('/run/vlab-ssh-'), NAME, LAB);
  const up = await vlab(['-f', file, 'up']);
  assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
});

after(async () => {
  if (skip) return;
  const down = await vlab(['-f', file, 'down']);
  assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  assert.equal(existsSync(STATE), false, 'the state dir (and the SSH keys in it) is gone');
  assert.equal(await snapshot(), baseline);
});

test('exec: ssh runs the command over SSH, argv word for word, exit codes passed through', { skip, timeout: 300_000 }, async () => {
  const r = await vlab(['-v', '-f', file, 'exec', 'viassh', '--', 'ip', '-4', '-o', 'addr']);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /inet 172\.30\.7\.11\/24/);
  const cmds = traced(r.stderr);
  assert.ok(
    cmds.some((c) => c.startsWith('ssh ') && c.includes('172.30.7.11')),
    `no ssh in the trace:\n${r.stderr}`,
  );
  assert.ok(!cmds.some((c) => c.includes('qemu-agent-command')), 'the agent was not used');

  const words = ['a b', "it's", '$HOME', '*', '', 'x;y', '"q"'];
  const p = await vlab(['-f', file, 'exec', 'viassh', '--', 'printf', '[%s]', ...words]);
  assert.equal(p.exitCode, 0, p.stderr);
  assert.equal(p.stdout, words.map((w) => `[${w}]`).join(''));

  assert.equal((await vlab(['-f', file, 'exec', 'viassh', '--', 'false'])).exitCode, 1);
  assert.equal((await vlab(['-f', file, 'exec', 'viassh', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7'])).exitCode, 7);
  const j = await vlab(['-f', file, 'exec', 'viassh', '--json', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
  assert.deepEqual(JSON.parse(j.stdout), { exitCode: 7, stdout: 'out\n', stderr: 'err\n' });

  const text = "line 1\nline 'two' $x\n";
  const i = await vlab(['-f', file, 'exec', 'viassh', '--stdin', '--', 'sh', '-c', 'cat; echo "[$(wc -l)]"'], { input: text });
  assert.equal(i.exitCode, 0, i.stderr);
  assert.equal(i.stdout, `${text}[0]`, '--stdin reaches the command over ssh (the helper strips the final newline)');
});

test('verify runs over SSH for the ssh guest and passes', { skip, timeout: 300_000 }, async () => {
  const r = await vlab(['-v', '-f', file, 'verify', '--json']);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  const json = JSON.parse(r.stdout) as { ok: boolean; summary: { total: number; passed: number } };
  assert.equal(json.ok, true);
  assert.equal(json.summary.total, 6); // per guest: gateway, the other guest, 198.18.0.2
  assert.ok(
    traced(r.stderr).some((c) => c.startsWith('ssh ') && c.includes('172.30.7.11')),
    'viassh checks ran over ssh',
  );
});

test('the host key is pinned: a wrong known_hosts entry fails with a clear error', { skip, timeout: 120_000 }, async () => {
  const kh = path.join(STATE, 'ssh', 'known_hosts');
  const good = await readFile(kh, 'utf8');
  const lines = good.trim().split('\n');
  assert.equal(lines.length, 2, good);
  // give viassh's alias the other guest's key
  const wrongKey = lines
    .find((l) => l.startsWith(`vlab-${NAME}-auto `))!
    .split(' ')
    .slice(1)
    .join(' ');
  await writeFile(kh, `vlab-${NAME}-viassh ${wrongKey}\n${lines[1]}\n`);
  try {
    const r = await vlab(['-f', file, 'exec', 'viassh', '--', 'true']);
    assert.equal(r.exitCode, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /ssh to root@172\.30\.7\.11 failed: Host key verification failed/);
  } finally {
    await writeFile(kh, good);
  }
  assert.equal((await vlab(['-f', file, 'exec', 'viassh', '--', 'true'])).exitCode, 0);
});

test('exec: auto uses the agent while it answers, and SSH once it is gone', { skip, timeout: 300_000 }, async () => {
  const a = await vlab(['-v', '-f', file, 'exec', 'auto', '--', 'hostname']);
  assert.equal(a.exitCode, 0, a.stderr);
  assert.equal(a.stdout.trim(), 'auto');
  assert.ok(!traced(a.stderr).some((c) => c.startsWith('ssh ')), `agent answers, so no ssh:\n${a.stderr}`);
  const i = await vlab(['-f', file, 'exec', 'auto', '--stdin', '--', 'cat'], { input: 'through the agent\n' });
  assert.equal(i.stdout, 'through the agent', '--stdin reaches the command through the agent (the helper strips the final newline)');

  // Replace qemu-ga by a sleeper (the tiny image restarts a dead agent) and stop the running one.
  const kill = await vlab([
    '-f',
    file,
    'exec',
    'auto',
    '--',
    'sh',
    '-c',
    '(sleep 1; rm -f /usr/sbin/qemu-ga; printf "#!/bin/sh\\nexec sleep 86400\\n" >/usr/sbin/qemu-ga; chmod 755 /usr/sbin/qemu-ga; kill $(pidof qemu-ga)) </dev/null >/dev/null 2>&1 &',
  ]);
  assert.equal(kill.exitCode, 0, kill.stderr);
  const dom = `vlab-${NAME}-auto`;
  for (let i = 0; ; i++) {
    const ping = await execa('virsh', ['qemu-agent-command', dom, '{"execute":"guest-ping"}', '--timeout', '2'], { reject: false });
    if (ping.exitCode !== 0) break;
    assert.ok(i < 30, 'the agent did not go away');
    await sleep(1000);
  }
  const b = await vlab(['-v', '-f', file, 'exec', 'auto', '--', 'hostname']);
  assert.equal(b.exitCode, 0, b.stdout + b.stderr);
  assert.equal(b.stdout.trim(), 'auto');
  assert.ok(
    traced(b.stderr).some((c) => c.startsWith('ssh ') && c.includes('172.30.7.12')),
    `fell back to ssh:\n${b.stderr}`,
  );

  const v = await vlab(['-f', file, 'verify', '--json']);
  assert.equal(v.exitCode, 0, v.stdout + v.stderr);
});
