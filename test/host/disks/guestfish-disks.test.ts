import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideStack, deviceOfRoot, parseFilesystems, rootCandidates } from '../../../src/host/disks/detect-stack.js';
import { GuestfishDisks } from '../../../src/host/disks/guestfish-disks.js';
import { createRunner } from '../../../src/host/run.js';

const LG = { kind: 'libguestfs', reason: 'test' } as const;
const has =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

test('decideStack: each stack from its evidence', () => {
  assert.deepEqual(decideStack(has(), ['/etc/netplan/50-cloud-init.yaml']), { stack: 'netplan', evidence: ['/etc/netplan/50-cloud-init.yaml'] });
  assert.deepEqual(decideStack(has('/usr/sbin/NetworkManager', '/etc/systemd/system/multi-user.target.wants/NetworkManager.service'), []), {
    stack: 'networkmanager',
    evidence: ['/usr/sbin/NetworkManager', '/etc/systemd/system/multi-user.target.wants/NetworkManager.service'],
  });
  assert.equal(decideStack(has('/etc/systemd/system/multi-user.target.wants/systemd-networkd.service'), [])?.stack, 'networkd');
  assert.deepEqual(decideStack(has('/sbin/ifup'), []), { stack: 'ifupdown', evidence: ['/sbin/ifup'] });
  assert.equal(decideStack(has('/etc/network/interfaces'), [])?.stack, 'ifupdown');
  assert.equal(decideStack(has('/etc/sysconfig/network-scripts'), [])?.stack, 'ifcfg');
  assert.equal(decideStack(has('/etc/cloud/cloud.cfg', '/usr/bin/cloud-init'), [])?.stack, 'cloud-init');
  assert.equal(decideStack(has(), []), undefined);
});

test('decideStack: priorities (netplan over networkd, NM needs its enabled unit, cloud-init needs both files)', () => {
  const ubuntu = has('/etc/systemd/system/multi-user.target.wants/systemd-networkd.service', '/etc/cloud/cloud.cfg', '/usr/bin/cloud-init');
  assert.equal(decideStack(ubuntu, ['/etc/netplan/50-cloud-init.yaml'])?.stack, 'netplan');
  assert.equal(decideStack(has('/usr/sbin/NetworkManager', '/etc/sysconfig/network-scripts'), [])?.stack, 'ifcfg');
  assert.equal(decideStack(has('/etc/cloud/cloud.cfg'), []), undefined);
});

test('parseFilesystems and rootCandidates', () => {
  const fs = parseFilesystems('/dev/sda: ext4\n/dev/sdb1: unknown\n/dev/sdb14: unknown\n/dev/sdb15: vfat\n/dev/sdb2: xfs\n/dev/sdb10: ext4\n/dev/sdba: ext4\n');
  assert.deepEqual(fs[0], { device: '/dev/sda', type: 'ext4' });
  assert.deepEqual(rootCandidates('/dev/sda', fs), ['/dev/sda']);
  assert.deepEqual(rootCandidates('/dev/sdb', fs), ['/dev/sdb2', '/dev/sdb10']);
  assert.deepEqual(rootCandidates('/dev/sdc', fs), []);
});

test('deviceOfRoot', () => {
  assert.equal(deviceOfRoot('/dev/sdb2'), '/dev/sdb');
  assert.equal(deviceOfRoot('/dev/sda'), '/dev/sda');
  assert.equal(deviceOfRoot('btrfsvol:/dev/sdc4/root'), '/dev/sdc');
  assert.equal(deviceOfRoot('/dev/rhel/root'), undefined);
});

test('edit: nothing to do, and dry-run, start no process', async () => {
  const disks = new GuestfishDisks({ ...createRunner(), kvm: false });
  assert.deepEqual(await disks.edit([]), []);
  const dry = new GuestfishDisks({ ...createRunner({ dryRun: true }), kvm: false });
  assert.deepEqual(await dry.edit([{ disk: '/nonexistent/a.qcow2', route: LG, files: [{ path: '/etc/x', content: 'x', mode: 0o644 }] }]), [
    { disk: '/nonexistent/a.qcow2', route: 'libguestfs' },
  ]);
  await assert.rejects(disks.edit([{ disk: '/nonexistent/a.qcow2', route: LG, files: [] }]), /does not exist/);
});
