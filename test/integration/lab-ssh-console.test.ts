/**
 * `vlab ssh`, `vlab ssh-config` and `vlab console --log` for real, in the sandbox, on the seed lab
 * (examples/seed.yaml, tiny guests: dropbear and the guest agent, exec: auto): `vlab ssh web --
 * hostname` runs over SSH with the lab's key (the --verbose trace shows the pinned ssh), exit
 * codes pass through, a wrong pinned host key fails, ssh-config works with plain `ssh -F`, and the
 * console log holds what the guest printed at boot. `down` leaves the host as before.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { sandboxSkipReason } from './helpers/env.js';
import { SEED, snapshot, vlab, outsideUp } from './helpers/vlab.js';
import { ensureTinyImage } from './helpers/tiny.js';

const skip = sandboxSkipReason();
let baseline = '';
const STATE = path.join(process.env.VLAB_STATE_DIR ?? '/var/lib/vlab', 'seed');

const traced = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('  $ '))
    .map((l) => l.slice(4));

before(async () => {
  if (skip) return;
  await ensureTinyImage();
  await outsideUp();
  baseline = await snapshot();
  const up = await vlab(['-f', SEED, 'up', '--no-checkpoint']);
  assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
});

after(async () => {
  if (skip) return;
  const down = await vlab(['down', 'seed']);
  assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  assert.equal(await snapshot(), baseline);
});

test('vlab ssh web -- hostname: over SSH with the lab key and the pinned host key; exit codes pass through', { skip, timeout: 300_000 }, async () => {
  const r = await vlab(['-v', '-f', SEED, 'ssh', 'web', '--', 'hostname']);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), 'web');
  const ssh = traced(r.stderr).find((c) => c.startsWith('ssh '));
  assert.ok(ssh, `no ssh in the trace:\n${r.stderr}`);
  for (const part of ['-F /dev/null', `-i ${STATE}/ssh/id_ed25519`, 'StrictHostKeyChecking=yes', 'HostKeyAlias=vlab-seed-web', '172.16.0.2 hostname'])
    assert.ok(ssh.includes(part), `${part} not in: ${ssh}`);

  const seven = await vlab(['--lab', 'seed', 'ssh', 'db', '--', 'sh', '-c', 'exit 7']);
  assert.equal(seven.exitCode, 7, seven.stderr);

  // The user forgot --: vlab says how to write it, and runs nothing.
  const dash = await vlab(['--lab', 'seed', 'ssh', 'web', 'uname', '-a']);
  assert.equal(dash.exitCode, 2);
  assert.match(dash.stderr, /fix: put -- before the guest's command.*vlab --lab seed ssh web -- uname -a/);
});

test('vlab ssh-config: plain ssh -F with its block reaches the guest; a wrong pinned key is refused', { skip, timeout: 300_000 }, async () => {
  const cfg = await vlab(['ssh-config', 'seed']);
  assert.equal(cfg.exitCode, 0, cfg.stderr);
  assert.match(cfg.stdout, /^Host vlab-seed-web\n {2}HostName 172\.16\.0\.2\n/m);
  const file = path.join(await mkdtemp('/run/vlab-sshcfg-'), 'config');
  await writeFile(file, cfg.stdout);
  const plain = await execa('ssh', ['-F', file, 'vlab-seed-db', 'hostname'], { reject: false, timeout: 60_000 });
  assert.equal(plain.exitCode, 0, String(plain.stderr));
  assert.equal(String(plain.stdout).trim(), 'db');

  const knownHosts = path.join(STATE, 'ssh', 'known_hosts');
  const good = await readFile(knownHosts, 'utf8');
  try {
    const line = good.split('\n').find((l) => l.startsWith('vlab-seed-web '))!;
    const other = good.split('\n').find((l) => l.startsWith('vlab-seed-db '))!;
    await writeFile(knownHosts, good.replace(line, `vlab-seed-web ${other.split(' ').slice(1).join(' ')}`));
    const bad = await vlab(['--lab', 'seed', 'ssh', 'web', '--', 'true']);
    assert.equal(bad.exitCode, 255, 'ssh fails on a host key that is not the pinned one');
    assert.match(bad.stderr, /Host key verification failed/);
  } finally {
    await writeFile(knownHosts, good);
  }
});

test('vlab console web --log prints what the guest wrote on its serial console; --json gives its path', { skip, timeout: 120_000 }, async () => {
  const log = await vlab(['-f', SEED, 'console', 'web', '--log']);
  assert.equal(log.exitCode, 0, log.stderr);
  assert.match(log.stdout, /tiny: hostname web/);
  const json = JSON.parse((await vlab(['--lab', 'seed', 'console', 'db', '--log', '--json'])).stdout) as { guest: string; path: string; text: string };
  assert.equal(json.guest, 'db');
  assert.equal(json.path, path.join(STATE, 'console', 'db.log'));
  assert.match(json.text, /tiny: hostname db/);
  const unknown = await vlab(['--lab', 'seed', 'console', 'nope', '--log']);
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.stderr, /fix: guests: web, db/);
});
