/**
 * `vlab up` / `vlab down` for real, in the sandbox: the seed lab comes up with each guest's
 * address on its MAC, a second `up` is a no-op, a concurrent `up` exits 4, `down` leaves the
 * host identical to a snapshot taken before `up`, and two labs live side by side.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { sandboxSkipReason, sleep } from './helpers/env.js';
import { SEED, snapshot, vlab, vlabBackground, writeLab, secondLab, outsideUp } from './helpers/vlab.js';

const skip = sandboxSkipReason();

before(async () => {
  if (!skip) await outsideUp();
});

test('seed lab: up, addresses on the right MACs, idempotent, locked, down leaves no trace', { skip, timeout: 900_000 }, async () => {
  const before = await snapshot();

  const up = await vlab(['-f', SEED, 'up']);
  assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
  assert.match(up.stdout, /Lab 'seed' is up/);

  const status = await vlab(['-f', SEED, 'status', '--json']);
  assert.equal(status.exitCode, 0, status.stderr);
  const st = JSON.parse(status.stdout);
  assert.equal(st.hostSideInPlace, true);
  assert.deepEqual(
    st.guests.map((g: { name: string; state: string }) => [g.name, g.state]),
    [
      ['web', 'running'],
      ['db', 'running'],
    ],
  );

  // From inside each guest: its address on its MAC.
  for (const [guest, addr, mac] of [
    ['web', '172.16.0.2/16', '52:54:00:12:34:56'],
    ['db', '172.16.0.3/16', undefined],
  ] as const) {
    const r = await vlab(['-f', SEED, 'exec', guest, '--', 'ip', '-o', 'addr', 'show', 'eth0']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(r.stdout.includes(`inet ${addr}`), `${guest}: ${r.stdout}`);
    const link = await vlab(['-f', SEED, 'exec', guest, '--', 'ip', '-o', 'link', 'show', 'eth0']);
    if (mac) assert.ok(link.stdout.includes(mac), link.stdout);
  }
  const f = await vlab(['-f', SEED, 'exec', 'web', '--', 'false']);
  assert.equal(f.exitCode, 1);

  const again = await vlab(['-f', SEED, 'up']);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stdout, /nothing to change/);

  // The lock of a live process (this test's own pid) makes `up` exit 4 at once; a real
  // concurrent `up` is the next test.
  const lockFile = '/var/lib/vlab/.seed.lock';
  await writeFile(lockFile, `${process.pid}\n`);
  const t0 = performance.now();
  const locked = await vlab(['-f', SEED, 'up']);
  assert.equal(locked.exitCode, 4, locked.stderr);
  assert.ok(performance.now() - t0 < 30_000);
  assert.match(locked.stderr, /locked by another vlab process/);
  await rm(lockFile);

  const down = await vlab(['-f', SEED, 'down']);
  assert.equal(down.exitCode, 0, `down failed:\n${down.stdout}\n${down.stderr}`);
  assert.equal(await snapshot(), before);

  const down2 = await vlab(['-f', SEED, 'down']);
  assert.equal(down2.exitCode, 0);
  assert.match(down2.stdout, /not up/);
});

test('a concurrent up of the same lab exits 4 while the first is running', { skip, timeout: 600_000 }, async () => {
  const dir = await mkdtemp('/run/vlab-lab-');
  const file = await writeLab(dir, 'conc', secondLab('conc', '172.20.1'));
  const first = vlabBackground(['-f', file, 'up']);
  const lock = '/var/lib/vlab/.conc.lock';
  for (let i = 0; i < 200 && !existsSync(lock); i++) await sleep(100);
  const second = await vlab(['-f', file, 'up']);
  assert.equal(second.exitCode, 4, second.stderr);
  const r = await first;
  assert.equal(r.exitCode, 0, String(r.stderr));
  const down = await vlab(['-f', file, 'down']);
  assert.equal(down.exitCode, 0, down.stderr);
});

test('two labs side by side; down of one leaves the other working', { skip, timeout: 900_000 }, async () => {
  const before = await snapshot();
  const dir = await mkdtemp('/run/vlab-lab-');
  const a = await writeLab(dir, 'alpha', secondLab('alpha', '172.21.0'));
  const b = await writeLab(dir, 'beta', secondLab('beta', '172.22.0'));
  const [ua, ub] = await Promise.all([vlab(['-f', a, 'up']), vlab(['-f', b, 'up'])]);
  assert.equal(ua.exitCode, 0, ua.stderr);
  assert.equal(ub.exitCode, 0, ub.stderr);
  const ls = await vlab(['ls', '--json']);
  assert.deepEqual(
    JSON.parse(ls.stdout).map((l: { name: string }) => l.name),
    ['alpha', 'beta'],
  );
  assert.equal((await vlab(['-f', a, 'down'])).exitCode, 0);
  const vb = await vlab(['-f', b, 'verify']);
  assert.equal(vb.exitCode, 0, `beta must still pass after alpha is down:\n${vb.stdout}`);
  const fwd = await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8');
  assert.equal(fwd.trim(), '1', 'beta still needs forwarding');
  assert.equal((await vlab(['-f', b, 'down'])).exitCode, 0);
  assert.equal(await snapshot(), before);
});
