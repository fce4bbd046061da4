/**
 * `down` after `up` was SIGKILLed: at 10 journal points spread over host setup, disk creation,
 * injection and domain start (VLAB_CRASH_AT=N kills vlab right after recording its Nth change,
 * before making it), and once from outside while the guests boot. Each time, `down` must leave
 * the host identical to the snapshot taken before `up`.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readdir } from 'node:fs/promises';
import { sandboxSkipReason, sleep } from './helpers/env.js';
import { SEED, snapshot, vlab, vlabBackground, outsideUp } from './helpers/vlab.js';

const skip = sandboxSkipReason();
// The seed lab journals 13 changes: bridge, address, NAT rule, libvirt network, ip_forward,
// 2 overlays, 2 guest configs (written directly: FUSE exports + debugfs), 2 defines, 2 starts.
const POINTS = [1, 2, 3, 4, 5, 6, 8, 9, 11, 13];

before(async () => {
  if (!skip) await outsideUp();
});

for (const at of POINTS) {
  test(`SIGKILL after journal record ${at}, then down: no trace`, { skip, timeout: 600_000 }, async () => {
    const snap0 = await snapshot();
    const up = await vlab(['-f', SEED, 'up'], { env: { VLAB_CRASH_AT: String(at) } });
    assert.equal(up.signal, 'SIGKILL', `up should have been killed at record ${at}:\n${up.stdout}\n${up.stderr}`);
    assert.match(up.stderr, new RegExp(`VLAB_CRASH_AT=${at}`));
    const down = await vlab(['-f', SEED, 'down']);
    assert.equal(down.exitCode, 0, `down after crash at ${at} failed:\n${down.stdout}\n${down.stderr}`);
    assert.equal(await snapshot(), snap0);
  });
}

test('SIGKILL from outside while guests boot, then down: no trace', { skip, timeout: 600_000 }, async () => {
  const snap0 = await snapshot();
  const child = vlabBackground(['-f', SEED, 'up']);
  // Wait until both domains run (the boot phase), then kill.
  for (let i = 0; i < 600; i++) {
    const files = await readdir('/run/libvirt/qemu').catch(() => [] as string[]);
    if (files.filter((f) => f.endsWith('.pid')).length >= 2) break;
    await sleep(200);
  }
  child.kill('SIGKILL');
  const r = await child;
  assert.equal(r.signal, 'SIGKILL');
  const down = await vlab(['-f', SEED, 'down']);
  assert.equal(down.exitCode, 0, `down failed:\n${down.stdout}\n${down.stderr}`);
  assert.equal(await snapshot(), snap0);
});

test('SIGKILL from outside during the libguestfs launch (VLAB_GUEST_DISKS=libguestfs), then down: no trace, no stray process', { skip, timeout: 600_000 }, async () => {
  const snap0 = await snapshot();
  const child = vlabBackground(['-f', SEED, 'up'], { VLAB_GUEST_DISKS: 'libguestfs' });
  let seen = false;
  for (let i = 0; i < 600 && !seen; i++) {
    const { execa } = await import('execa');
    const r = await execa('pgrep', ['-f', 'guestfish --listen'], { reject: false });
    seen = r.exitCode === 0;
    if (!seen) await sleep(100);
  }
  assert.ok(seen, 'guestfish never started');
  await sleep(1500);
  child.kill('SIGKILL');
  await child;
  const down = await vlab(['-f', SEED, 'down']);
  assert.equal(down.exitCode, 0, `down failed:\n${down.stdout}\n${down.stderr}`);
  assert.equal(await snapshot(), snap0);
  const { execa } = await import('execa');
  const stray = await execa('pgrep', ['-af', '/var/lib/vlab/seed/'], { reject: false });
  assert.equal(stray.stdout.trim(), '', `processes still using the lab's files:\n${stray.stdout}`);
});

test('SIGKILL with the disk exports mounted (direct path), then down: no trace, no export daemon, no FUSE mount', { skip, timeout: 600_000 }, async () => {
  const snap0 = await snapshot();
  const up = await vlab(['-f', SEED, 'up'], { env: { VLAB_CRASH_IN_DISKS: 'exported' } });
  assert.equal(up.signal, 'SIGKILL', `up should have been killed with the exports mounted:\n${up.stdout}\n${up.stderr}`);
  assert.match(up.stderr, /VLAB_CRASH_IN_DISKS=exported/);
  const { execa } = await import('execa');
  const mounted = () =>
    fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.includes('/var/lib/vlab/seed/'));
  assert.ok(mounted().length >= 1, 'the exports outlived vlab (what down must clean)');
  const down = await vlab(['-f', SEED, 'down']);
  assert.equal(down.exitCode, 0, `down failed:\n${down.stdout}\n${down.stderr}`);
  assert.match(down.stdout + down.stderr, /disk export .* stopped and unmounted|changes undone/);
  assert.deepEqual(mounted(), [], 'no FUSE mount left');
  const stray = await execa('pgrep', ['-af', 'qemu-storage-daemon'], { reject: false });
  assert.equal(stray.stdout.trim(), '', `export daemons still running:\n${stray.stdout}`);
  assert.equal(await snapshot(), snap0);
});
