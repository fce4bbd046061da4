import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labHosts } from '../../src/render/hosts.js';
import { renderInterfaces } from '../../src/render/netconfig/ifupdown.js';
import type { Lab } from '../../src/spec/types.js';
import { guestOf, multiLab, seedLab } from '../fixtures/render/seed-lab.js';

const interfaces = (lab: Lab, guest: string) => renderInterfaces({ lab, guest: guestOf(lab, guest), hosts: labHosts(lab) });

test('static NIC: address, netmask from the prefix, gateway', () => {
  assert.equal(
    interfaces(seedLab, 'web'),
    [
      '# Written by vlab for lab seed, guest web. Changes are lost at the next `vlab up`.',
      'auto lo',
      'iface lo inet loopback',
      '',
      'auto eth0',
      'iface eth0 inet static',
      '    address 172.16.0.2',
      '    netmask 255.255.0.0',
      '    gateway 172.16.0.1',
      '',
    ].join('\n'),
  );
});

test('NIC without an address is dhcp; gateway only on the default-route NIC', () => {
  const text = interfaces(multiLab, 'edge');
  assert.match(text, /^iface eth0 inet static\n {4}address 10\.10\.0\.10\n {4}netmask 255\.255\.255\.0\n\nauto eth1\niface eth1 inet dhcp\n$/m);
  assert.doesNotMatch(text, /gateway/);
  assert.match(interfaces(multiLab, 'roamer'), /^iface eth0 inet dhcp$/m);
});

test('the gateway appears once even with several static NICs', () => {
  const base = guestOf(multiLab, 'edge');
  const guest = {
    ...base,
    interfaces: [
      { ...base.interfaces[0]!, gateway: '10.10.0.1' },
      { index: 1, network: 'lan', address: '10.10.0.11', prefix: 24, mac: '52:54:00:aa:00:09', ifname: 'eth1' },
    ],
  };
  const text = renderInterfaces({ lab: multiLab, guest, hosts: [] });
  assert.equal(text.match(/gateway/g)?.length, 1);
  assert.match(text, /address 10\.10\.0\.10\n {4}netmask 255\.255\.255\.0\n {4}gateway 10\.10\.0\.1\n/);
});

test("prefix missing on the NIC falls back to the network's", () => {
  const base = guestOf(seedLab, 'web');
  const { prefix: _drop, ...nic } = base.interfaces[0]!;
  const text = renderInterfaces({ lab: seedLab, guest: { ...base, interfaces: [nic] }, hosts: [] });
  assert.match(text, /netmask 255\.255\.0\.0/);
});
