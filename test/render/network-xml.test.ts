import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownerFromXml } from '../../src/render/metadata.js';
import { libvirtNetworkName, renderNetworkXml } from '../../src/render/network-xml.js';
import { child, parseXml } from '../../src/render/xml.js';
import { seedLab } from '../fixtures/render/seed-lab.js';

test('libvirtNetworkName is vlab-<lab>-<network>, from objects or names', () => {
  assert.equal(libvirtNetworkName(seedLab, seedLab.networks[0]!), 'vlab-seed-isolation');
  assert.equal(libvirtNetworkName('seed', 'isolation'), 'vlab-seed-isolation');
});

test('network XML: bridge forward onto the lab bridge, tagged with the lab', async () => {
  const xml = await renderNetworkXml(seedLab, seedLab.networks[0]!);
  const { name, root } = await parseXml(xml);
  assert.equal(name, 'network');
  assert.equal(child(root, 'name')?._, 'vlab-seed-isolation');
  assert.deepEqual(child(root, 'forward')?.$, { mode: 'bridge' });
  assert.deepEqual(child(root, 'bridge')?.$, { name: 'isolationbr' });
  assert.equal(root.ip, undefined, 'libvirt must not manage addresses or DHCP');
  assert.equal(await ownerFromXml(xml), 'seed');
});
