/** Resolving a valid lab file: defaults filled in, default routes chosen, references resolved. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ValidationError } from '../../src/errors.js';
import { parseLab } from '../../src/spec/load.js';
import { defaultBridgeName, defaultMac } from '../../src/spec/defaults.js';
import type { Lab } from '../../src/spec/types.js';

const lab = (text: string, file = '/labs/x/lab.yaml'): Lab => parseLab(text, file);
const guest = (l: Lab, name: string) => l.guests.find((g) => g.name === name)!;

test('examples/seed.yaml resolves to the seed lab', () => {
  const seed = lab(readFileSync(new URL('../../examples/seed.yaml', import.meta.url), 'utf8'), '/labs/seed.yaml');
  assert.equal(seed.name, 'seed');
  assert.equal(seed.file, '/labs/seed.yaml');
  assert.equal(seed.dir, '/labs');
  assert.equal(seed.accel, 'auto');
  assert.deepEqual(seed.networks, [{ name: 'isolation', bridge: 'isolationbr', cidr: '172.16.0.0/16', prefix: 16, gateway: '172.16.0.1', nat: true }]);
  assert.deepEqual(seed.images, [{ name: 'tiny', path: '/vm-images/tiny' }]);
  const web = guest(seed, 'web');
  assert.equal(web.memory, 192);
  assert.equal(web.vcpus, 1);
  assert.equal(web.netconfig, 'auto');
  assert.equal(web.exec, 'auto');
  assert.deepEqual(web.interfaces, [{ index: 0, network: 'isolation', address: '172.16.0.2', prefix: 16, mac: '52:54:00:12:34:56', ifname: 'eth0', gateway: '172.16.0.1' }]);
  assert.equal(guest(seed, 'db').interfaces[0]!.mac, defaultMac('seed', 'db', 0));
  assert.deepEqual(seed.verify, { external: ['198.18.0.2'], checks: [{ from: 'web', to: 'db', expect: 'reachable' }] });
});

test('the default gateway is the first usable address; the default bridge is derived', () => {
  const l = lab(`
name: gw
networks:
  lan: { cidr: 10.20.30.0/24 }
guests:
  a: { image: ./a.qcow2, interfaces: [{ network: lan, address: 10.20.30.5/24 }] }
`);
  assert.equal(l.networks[0]!.gateway, '10.20.30.1');
  assert.equal(l.networks[0]!.bridge, defaultBridgeName('gw', 'lan'));
  assert.equal(l.networks[0]!.nat, false);
  const i = l.guests[0]!.interfaces[0]!;
  assert.equal(i.address, '10.20.30.5', 'the /24 suffix is stripped once checked');
  assert.equal(i.prefix, 24);
  assert.equal(i.gateway, '10.20.30.1');
});

test('the default route goes through the NAT network, whatever the NIC order', () => {
  const l = lab(`
name: routes
networks:
  inside: { cidr: 10.1.0.0/24 }
  outside: { cidr: 10.2.0.0/24, nat: true }
  third: { cidr: 10.3.0.0/24 }
images: { tiny: ../images/tiny }
guests:
  router:
    image: tiny
    interfaces:
      - { network: inside, address: 10.1.0.2 }
      - { network: outside, address: 10.2.0.2 }
      - { network: third, address: 10.3.0.2 }
  plain:
    image: tiny
    interfaces:
      - { network: third, address: 10.3.0.3 }
      - { network: inside, address: 10.1.0.3 }
`);
  const gws = (name: string) => guest(l, name).interfaces.map((i) => i.gateway);
  assert.deepEqual(gws('router'), [undefined, '10.2.0.1', undefined], 'exactly one default route, on the NAT network');
  assert.deepEqual(gws('plain'), ['10.3.0.1', undefined], 'without NAT: the first static interface');
  assert.deepEqual(
    guest(l, 'router').interfaces.map((i) => i.ifname),
    ['eth0', 'eth1', 'eth2'],
  );
});

test('interfaces without an address use DHCP and carry no gateway', () => {
  const l = lab(`
name: dhcp
networks:
  lan: { cidr: 192.168.7.0/24, nat: true }
  up: { bridge: br0, uplink: enp1s0 }
guests:
  a:
    image: /images/tiny
    interfaces: [{ network: lan }, { network: up }]
`);
  for (const i of l.guests[0]!.interfaces) {
    assert.equal(i.address, undefined);
    assert.equal(i.gateway, undefined);
  }
  assert.equal(l.guests[0]!.interfaces[0]!.prefix, undefined);
  const up = l.networks.find((n) => n.name === 'up')!;
  assert.deepEqual(up, { name: 'up', bridge: 'br0', nat: false, uplink: 'enp1s0' });
});

test('an uplink network with a cidr has no default gateway unless given', () => {
  const l = lab(`
name: upl
networks:
  up: { bridge: br0, uplink: enp1s0, cidr: 192.168.1.0/24 }
guests:
  a: { image: /images/tiny, interfaces: [{ network: up, address: 192.168.1.50 }] }
`);
  assert.equal(l.networks[0]!.gateway, undefined);
  assert.equal(l.guests[0]!.interfaces[0]!.gateway, undefined);
  const withGw = lab(`
name: upl
networks:
  up: { bridge: br0, uplink: enp1s0, cidr: 192.168.1.0/24, gateway: 192.168.1.254 }
guests:
  a: { image: /images/tiny, interfaces: [{ network: up, address: 192.168.1.50 }] }
`);
  assert.equal(withGw.guests[0]!.interfaces[0]!.gateway, '192.168.1.254');
});

test('images written as paths on guests resolve against the lab file folder', () => {
  const l = lab(
    `
name: paths
networks:
  lan: { cidr: 10.9.0.0/24 }
images:
  tiny: ../vm-images/tiny
guests:
  a: { image: tiny, interfaces: [{ network: lan }] }
  b: { image: ./disks/debian.qcow2, interfaces: [{ network: lan }] }
  c: { image: /srv/images/alpine, interfaces: [{ network: lan }] }
  d: { image: ./disks/debian.qcow2, interfaces: [{ network: lan }] }
`,
    '/home/me/labs/paths/lab.yaml',
  );
  assert.deepEqual(l.images, [
    { name: 'tiny', path: '/home/me/labs/vm-images/tiny' },
    { name: './disks/debian.qcow2', path: '/home/me/labs/paths/disks/debian.qcow2' },
    { name: '/srv/images/alpine', path: '/srv/images/alpine' },
  ]);
  assert.deepEqual(
    l.guests.map((g) => g.image),
    ['tiny', './disks/debian.qcow2', '/srv/images/alpine', './disks/debian.qcow2'],
  );
});

test('MACs are lower-cased; templates resolve against the lab folder', () => {
  const l = lab(`
name: macs
networks:
  lan: { cidr: 10.9.0.0/24 }
guests:
  a:
    image: /images/tiny
    template: templates/big.xml
    interfaces: [{ network: lan, mac: 52:54:00:AB:CD:EF }]
`);
  assert.equal(l.guests[0]!.interfaces[0]!.mac, '52:54:00:ab:cd:ef');
  assert.equal(l.guests[0]!.template, '/labs/x/templates/big.xml');
});

test('two NICs of one guest on the same network each get their own derived MAC', () => {
  const l = lab(`
name: twonic
networks:
  lan: { cidr: 10.9.0.0/24 }
guests:
  a: { image: /images/tiny, interfaces: [{ network: lan, address: 10.9.0.2 }, { network: lan, address: 10.9.0.3 }] }
`);
  const [m0, m1] = l.guests[0]!.interfaces.map((i) => i.mac);
  assert.notEqual(m0, m1);
});

test('a MAC written in upper case collides with the same MAC in lower case', () => {
  assert.throws(
    () =>
      lab(`
name: dupmac
networks:
  lan: { cidr: 10.9.0.0/24 }
guests:
  a: { image: /images/tiny, interfaces: [{ network: lan, mac: 52:54:00:AA:BB:CC }] }
  b: { image: /images/tiny, interfaces: [{ network: lan, mac: 52:54:00:aa:bb:cc }] }
`),
    (e: unknown) => e instanceof ValidationError && e.problems.some((p) => p.path === 'guests.b.interfaces[0].mac' && /also used/.test(p.message)),
  );
});

test('checks may target guests, addresses, gateway and external', () => {
  const l = lab(`
name: checks
networks:
  lan: { cidr: 10.9.0.0/24, nat: true }
guests:
  a: { image: /images/tiny, interfaces: [{ network: lan, address: 10.9.0.2 }] }
  b: { image: /images/tiny, interfaces: [{ network: lan, address: 10.9.0.3 }] }
verify:
  external: [198.18.0.2]
  checks:
    - { from: a, to: b }
    - { from: a, to: 10.9.0.3, expect: reachable, count: 5 }
    - { from: b, to: gateway }
    - { from: b, to: external, expect: unreachable }
`);
  assert.deepEqual(l.verify.checks, [
    { from: 'a', to: 'b', expect: 'reachable' },
    { from: 'a', to: '10.9.0.3', expect: 'reachable', count: 5 },
    { from: 'b', to: 'gateway', expect: 'reachable' },
    { from: 'b', to: 'external', expect: 'unreachable' },
  ]);
});
