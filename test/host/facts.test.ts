import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gatherFacts, readTemplates, DEFAULT_TEMPLATE } from '../../src/host/facts.js';
import type { Host } from '../../src/host/index.js';
import { HostError } from '../../src/errors.js';
import type { Lab } from '../../src/spec/types.js';

let root = '';
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-facts-'));
  const lab = (name: string, content: string) => {
    fs.mkdirSync(path.join(root, name), { recursive: true });
    fs.writeFileSync(path.join(root, name, 'lab.json'), content);
  };
  lab('self', JSON.stringify({ name: 'self', cidrs: ['10.0.0.0/24'], bridges: ['b0'], needsForwarding: true }));
  lab('other', JSON.stringify({ name: 'other', cidrs: ['172.16.0.0/16', 7], bridges: ['vlab-o-lan'], needsForwarding: true, extra: 1 }));
  lab('partial', JSON.stringify({ cidrs: ['192.168.9.0/24'] }));
  lab('broken', '{not json');
  fs.mkdirSync(path.join(root, 'nolabjson'));
  fs.writeFileSync(path.join(root, '.self.lock'), '');
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const lab = (guests: Partial<Lab['guests'][number]>[] = []): Lab =>
  ({ name: 'self', file: '/x/vlab.yaml', dir: '/x', accel: 'auto', networks: [], images: [], guests, verify: { external: [], checks: [] } }) as unknown as Lab;

test('readTemplates: default plus guest templates; missing ones left out', () => {
  const own = path.join(root, 'own.xml');
  fs.writeFileSync(own, '<domain/>');
  const t = readTemplates(
    lab([
      { name: 'a', template: own },
      { name: 'b', template: path.join(root, 'gone.xml') },
    ]),
  );
  assert.equal(t[own], '<domain/>');
  assert.equal(Object.keys(t).length, fs.existsSync(DEFAULT_TEMPLATE) ? 2 : 1);
  if (fs.existsSync(DEFAULT_TEMPLATE)) assert.match(t.default ?? '', /<domain/);
});

test('gatherFacts: libvirt and iptables failures become facts, not throws', async () => {
  const fail = async () => {
    throw new HostError('command failed (exit 1): virsh -q -c qemu:///system net-list --all --name\n      error: failed to connect to the hypervisor');
  };
  const host = {
    ip: { listLinks: async () => [{ name: 'lo', up: true }], listAddresses: async () => [], listRoutes: async () => [] },
    sysctl: { get: async () => '1' },
    iptables: { rules: fail, policy: fail, tables: fail },
    libvirt: { listNetworks: fail, listDomains: fail },
    qemuImg: { info: fail },
    files: { list: (dir: string) => (dir === path.join(root, 'self') ? [path.join(dir, 'lab.json')] : []) },
    processes: { dhcpClients: () => [] },
  } as unknown as Host;
  const f = await gatherFacts(lab(), host, root);
  assert.equal(f.ipForward, true);
  assert.deepEqual(f.links, [{ name: 'lo', up: true }]);
  assert.equal(f.libvirt.available, false);
  assert.equal(f.libvirt.error, 'error: failed to connect to the hypervisor');
  assert.deepEqual(f.iptables, { available: false, natPostrouting: [], forward: [], forwardPolicy: 'unknown' });
  assert.equal(f.stateDir, path.join(root, 'self'));
  assert.equal(f.stateRoot, root);
  assert.deepEqual(f.stateFiles, [path.join(root, 'self', 'lab.json')]);
  assert.deepEqual(f.dhcpClients, []);
  assert.equal(f.sshClient, undefined);
  assert.deepEqual(
    f.otherLabs.map((l) => l.name),
    ['other', 'partial'],
  );
  assert.equal(typeof f.accel.kvm, 'boolean');
});
