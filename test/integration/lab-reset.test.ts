/**
 * `vlab reset` and `vlab snapshot` for real, in the sandbox: a change made inside a guest (a file,
 * an address and a route; the tiny image has no iptables) is gone after reset, without a reboot (same boot_id); named snapshots each bring
 * back their own state; a bridge deleted by hand is made again and the taps put back on it;
 * `reset --cold` boots the guests on fresh running disks; a SIGKILL during save or restore, then
 * down, leaves the host as before up.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { sandboxSkipReason, sleep } from './helpers/env.js';
import { SEED, snapshot, vlab, vlabBackground, outsideUp } from './helpers/vlab.js';

const skip = sandboxSkipReason();
let snap0 = '';

/** Runs a command in a guest through vlab exec; asserts it ran; returns stdout. */
async function inGuest(guest: string, ...argv: string[]): Promise<string> {
  const r = await vlab(['-f', SEED, 'exec', guest, '--', ...argv]);
  assert.equal(r.exitCode, 0, `exec ${guest} ${argv.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}
const bootId = (guest: string) => inGuest(guest, 'cat', '/proc/sys/kernel/random/boot_id');
const marker = (guest: string) => inGuest(guest, 'sh', '-c', 'cat /run/vlab-marker 2>/dev/null || echo none');
/** How many times the guest's init started, from its console log (a reboot would add one). */
const boots = async (guest: string) => ((await readFile(`/var/lib/vlab/seed/console/${guest}.log`, 'utf8')).match(/switching to \/sbin\/init/g) ?? []).length;
const addresses = (guest: string) => inGuest(guest, 'ip', '-o', '-4', 'addr', 'show', 'eth0');

before(async () => {
  if (skip) return;
  await outsideUp();
  snap0 = await snapshot();
  const up = await vlab(['-f', SEED, 'up']);
  assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
  assert.match(up.stdout, /Checkpoint 'ready' taken/);
});

after(async () => {
  if (skip) return;
  await vlab(['-f', SEED, 'down']);
});

test('reset: a file, an address and a route made inside a guest are gone, the guest did not reboot, verify passes', { skip, timeout: 300_000 }, async () => {
  const booted = await boots('web');
  assert.ok(booted >= 1, 'the console log shows the boot');
  await inGuest('web', 'sh', '-c', 'echo experiment > /run/vlab-marker');
  await inGuest('web', 'ip', 'addr', 'add', '172.16.9.9/16', 'dev', 'eth0');
  await inGuest('web', 'ip', 'route', 'add', '10.99.0.0/16', 'via', '172.16.0.3');
  assert.equal(await marker('web'), 'experiment');
  assert.match(await addresses('web'), /172\.16\.9\.9/);
  assert.match(await inGuest('web', 'ip', 'route'), /10\.99\.0\.0\/16/);

  const r = await vlab(['-f', SEED, 'reset', '--json']);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as { guests: string[]; repaired: string[]; ready: unknown[]; clocks: Record<string, string> };
  assert.deepEqual(out.guests.sort(), ['db', 'web']);
  assert.deepEqual(out.repaired, []);
  assert.equal(out.ready.length, 2);
  assert.equal(out.clocks.web, 'agent', JSON.stringify(out.clocks));

  assert.equal(await marker('web'), 'none');
  assert.doesNotMatch(await addresses('web'), /172\.16\.9\.9/);
  assert.doesNotMatch(await inGuest('web', 'ip', 'route'), /10\.99\.0\.0/);
  assert.equal(await boots('web'), booted, 'reset brought the memory back: the guest did not boot again');
  // The clock was set from the host's after the revert.
  const guestNow = Number(await inGuest('web', 'date', '+%s'));
  assert.ok(Math.abs(guestNow - Date.now() / 1000) < 5, `guest clock ${guestNow} vs host ${Date.now() / 1000}`);
  const v = await vlab(['-f', SEED, 'verify']);
  assert.equal(v.exitCode, 0, v.stdout + v.stderr);
});

test('named snapshots: a and b each bring back their own state (same boot_id: no reboot); a guest named alone is the only one restored', { skip, timeout: 300_000 }, async () => {
  // The kernel makes boot_id at its first read: read it before the snapshot, so the snapshot holds it.
  const boot = await bootId('web');
  await inGuest('web', 'sh', '-c', 'echo A > /run/vlab-marker');
  await inGuest('db', 'sh', '-c', 'echo A > /run/vlab-marker');
  assert.equal((await vlab(['-f', SEED, 'snapshot', 'save', 'a'])).exitCode, 0);
  await inGuest('web', 'sh', '-c', 'echo B > /run/vlab-marker');
  await inGuest('db', 'sh', '-c', 'echo B > /run/vlab-marker');
  assert.equal((await vlab(['-f', SEED, 'snapshot', 'save', 'b'])).exitCode, 0);
  const again = await vlab(['-f', SEED, 'snapshot', 'save', 'b']);
  assert.equal(again.exitCode, 2, 'an existing name is refused without --force');
  assert.match(again.stderr, /--force/);

  const ls = await vlab(['-f', SEED, 'snapshot', 'ls', '--json']);
  assert.deepEqual(
    (JSON.parse(ls.stdout) as { name: string }[]).map((s) => s.name),
    ['ready', 'a', 'b'],
  );

  assert.equal((await vlab(['-f', SEED, 'snapshot', 'restore', 'a'])).exitCode, 0);
  assert.equal(await marker('web'), 'A');
  assert.equal(await marker('db'), 'A');
  assert.equal(await bootId('web'), boot, 'the guest kept its boot');
  assert.equal((await vlab(['-f', SEED, 'snapshot', 'restore', 'b', 'db'])).exitCode, 0);
  assert.equal(await marker('web'), 'A', 'web was not named: it keeps its state');
  assert.equal(await marker('db'), 'B');

  assert.equal((await vlab(['-f', SEED, 'snapshot', 'rm', 'a'])).exitCode, 0);
  const bad = await vlab(['-f', SEED, 'snapshot', 'restore', 'a']);
  assert.equal(bad.exitCode, 2, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /no snapshot 'a'|has no snapshot/);
});

// libvirt 9.0 reverts by starting a new QEMU that loads the saved state, so its taps are new and
// already on the bridge; vlab's tap reattachment (for a revert in place) then has nothing to do.
test('reset after the bridge was deleted by hand: bridge and address made again, taps on it, verify passes', { skip, timeout: 300_000 }, async () => {
  await execa('ip', ['link', 'del', 'isolationbr']);
  const r = await vlab(['-f', SEED, 'reset', '--json']);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as { repaired: string[]; reattached: string[] };
  assert.ok(
    out.repaired.some((l) => /isolationbr/.test(l)),
    out.repaired.join('\n'),
  );
  assert.ok(out.reattached.length <= 2, out.reattached.join('\n'));
  const ports = await execa('ip', ['-o', 'link', 'show', 'master', 'isolationbr']);
  assert.equal(String(ports.stdout).trim().split('\n').length, 2, String(ports.stdout));
  const v = await vlab(['-f', SEED, 'verify']);
  assert.equal(v.exitCode, 0, v.stdout + v.stderr);
});

test(
  'reset --cold: a file written to the disk is gone, the guest booted again (new boot_id) on a fresh running disk, ready is taken again, verify passes',
  { skip, timeout: 300_000 },
  async () => {
    const boot = await bootId('web');
    const booted = await boots('web');
    await inGuest('web', 'sh', '-c', 'echo experiment > /root/vlab-disk-marker && sync');
    const r = await vlab(['-f', SEED, 'reset', '--cold', '--json']);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { guests: string[]; discarded: string[]; checkpoint: boolean; ready: unknown[]; phases: { title: string }[] };
    assert.deepEqual(out.guests.sort(), ['db', 'web']);
    assert.ok(out.discarded.includes('ready'), out.discarded.join(', '));
    assert.equal(out.checkpoint, true);
    assert.equal(out.ready.length, 2);
    assert.equal(await inGuest('web', 'sh', '-c', 'cat /root/vlab-disk-marker 2>/dev/null || echo none'), 'none');
    assert.notEqual(await bootId('web'), boot, 'a cold reset boots the guest');
    assert.equal(await boots('web'), booted + 1, 'exactly one more boot in the console log');
    const info = await execa('qemu-img', ['info', '--output=json', '-U', '/var/lib/vlab/seed/disks/web.qcow2']);
    assert.equal((JSON.parse(String(info.stdout)) as { 'backing-filename': string })['backing-filename'], '/var/lib/vlab/seed/disks/web.configured.qcow2');
    const v = await vlab(['-f', SEED, 'verify']);
    assert.equal(v.exitCode, 0, v.stdout + v.stderr);
    // The checkpoint taken again works: a warm reset right after.
    const warm = await vlab(['-f', SEED, 'reset']);
    assert.equal(warm.exitCode, 0, warm.stdout + warm.stderr);
  },
);

for (const during of ['save', 'restore', 'reset --cold'] as const) {
  test(`SIGKILL during ${during === 'reset --cold' ? during : `snapshot ${during}`}, then down: the host is as before up`, { skip, timeout: 300_000 }, async () => {
    const args = during === 'save' ? ['snapshot', 'save', 'killed', '--force'] : during === 'restore' ? ['snapshot', 'restore', 'ready'] : ['reset', '--cold'];
    const child = vlabBackground(['-f', SEED, ...args]);
    // Kill while the guests are paused (save), being reverted (restore) or stopped for a fresh disk (cold): mid-operation.
    for (let i = 0; i < 100; i++) {
      const st = await execa('virsh', ['-c', 'qemu:///system', 'domstate', 'vlab-seed-web'], { reject: false });
      if (during === 'save' ? /paused/.test(String(st.stdout)) : during === 'reset --cold' ? /shut off/.test(String(st.stdout)) : i >= 3) break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    const r = await child;
    assert.ok(r.signal === 'SIGKILL' || r.exitCode === 0, `${r.signal} ${r.exitCode}`);
    const down = await vlab(['-f', SEED, 'down']);
    assert.equal(down.exitCode, 0, `down failed:\n${down.stdout}\n${down.stderr}`);
    assert.equal(await snapshot(), snap0);
    const up = await vlab(['-f', SEED, 'up']);
    assert.equal(up.exitCode, 0, up.stdout + up.stderr);
  });
}
