/** The topology model: nodes and edges from a lab, and from an up lab's guest states and verify outcomes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLab } from '../../src/spec/load.js';
import { guestStatus, topologyOf, type CheckEdge, type CheckOutcome, type NicEdge } from '../../src/render/topology/model.js';
import { checkGroups } from '../../src/render/topology/check-groups.js';

const LAB = parseLab(
  `name: topo
networks:
  lan: { bridge: br0, uplink: eth0, cidr: 192.0.2.0/24, gateway: 192.0.2.1 }
  nat: { bridge: vlnat, cidr: 10.1.0.0/24, gateway: 10.1.0.1, nat: true }
  iso: { bridge: vliso, cidr: 10.2.0.0/24 }
images: { tiny: /images/tiny }
guests:
  a:
    image: tiny
    interfaces:
      - { network: nat, address: 10.1.0.10 }
      - { network: iso }
      - { network: lan, address: none }
  b: { image: tiny, interfaces: [ { network: iso, address: 10.2.0.20 } ] }
verify: { external: [198.18.0.2, 198.18.0.2] }
`,
  '/labs/topo/vlab.yaml',
);

const ISOLATED = parseLab(
  `name: iso
networks: { iso: { bridge: vliso, cidr: 10.2.0.0/24 } }
images: { tiny: /images/tiny }
guests: { a: { image: tiny, interfaces: [ { network: iso, address: 10.2.0.10 } ] } }
`,
  '/labs/iso/vlab.yaml',
);

test('from the lab file: guests, networks, the physical LAN and the outside in drawing order, no states, no verify', () => {
  const t = topologyOf(LAB);
  assert.equal(t.source, 'file');
  assert.equal(t.verify, null);
  assert.deepEqual(
    t.nodes.map((n) => n.id),
    ['guest:a', 'guest:b', 'net:lan', 'net:nat', 'net:iso', 'lan:eth0', 'outside'],
  );
  assert.deepEqual(
    t.nodes.flatMap((n) => (n.kind === 'network' ? [[n.name, n.mode]] : [])),
    [
      ['lan', 'uplink'],
      ['nat', 'nat'],
      ['iso', 'isolated'],
    ],
  );
  assert.ok(t.nodes.every((n) => n.kind !== 'guest' || (n.state === null && n.status === null)));
  assert.deepEqual(
    t.nodes.find((n) => n.kind === 'outside'),
    { id: 'outside', kind: 'outside', targets: ['198.18.0.2'] },
  );
  assert.deepEqual(
    t.edges.filter((e) => e.kind !== 'nic').map((e) => `${e.kind} ${e.from} ${e.to}`),
    ['uplink net:lan lan:eth0', 'nat net:nat outside', 'lan-egress lan:eth0 outside'],
  );
});

test('NIC edges: MAC, interface name, static address with prefix, dhcp, none, the default route', () => {
  const nics = topologyOf(LAB).edges.filter((e): e is NicEdge => e.kind === 'nic');
  assert.deepEqual(
    nics.map((e) => [e.id, e.to, e.ifname, e.mode, e.address, e.defaultRoute]),
    [
      ['nic:a:0', 'net:nat', 'eth0', 'static', '10.1.0.10/24', true],
      ['nic:a:1', 'net:iso', 'eth1', 'dhcp', null, false],
      ['nic:a:2', 'net:lan', 'eth2', 'none', null, false],
      ['nic:b:0', 'net:iso', 'eth0', 'static', '10.2.0.20/24', true],
    ],
  );
  for (const e of nics) assert.match(e.mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
});

test('an isolated lab without outside targets has no outside node', () => {
  assert.ok(!topologyOf(ISOLATED).nodes.some((n) => n.kind === 'outside'));
});

test('live: guest states (a guest libvirt does not list is missing) and their kinds', () => {
  const t = topologyOf(LAB, { guestStates: { a: 'running' } });
  assert.equal(t.source, 'live');
  assert.deepEqual(
    t.nodes.flatMap((n) => (n.kind === 'guest' ? [[n.name, n.state, n.status]] : [])),
    [
      ['a', 'running', 'running'],
      ['b', 'missing', 'missing'],
    ],
  );
  assert.deepEqual(['running', 'idle', 'paused', 'pmsuspended', 'shut off', 'in shutdown', 'crashed', 'no state', 'missing'].map(guestStatus), [
    'running',
    'running',
    'paused',
    'paused',
    'shut off',
    'other',
    'other',
    'other',
    'missing',
  ]);
});

test('live: each check of the last verify points at the node it pinged, and the summary counts them', () => {
  const check = (from: string, to: string, address: string, ok = true): CheckOutcome => ({ from, to, address, expect: 'reachable', ok, reason: ok ? null : 'no reply' });
  const checks = [
    check('a', 'b', '10.2.0.20'),
    check('a', 'gateway:nat', '10.1.0.1'),
    check('b', 'external:198.18.0.2', '198.18.0.2', false),
    check('b', '10.1.0.10', '10.1.0.10'), // a bare address that is a guest's
    check('b', '10.2.0.1', '10.2.0.1'), // a network's gateway
    check('b', '10.2.0.99', '10.2.0.99'), // inside an isolated network
    check('b', '192.0.2.7', '192.0.2.7'), // on the physical LAN
    check('b', '203.0.113.9', '203.0.113.9', false), // anywhere else
    check('gone', 'b', '10.2.0.20'), // a guest the lab does not have (any more): left out
  ];
  const t = topologyOf(LAB, { guestStates: { a: 'running', b: 'running' }, verify: { at: '2025-01-01T00:00:00Z', checks } });
  const edges = t.edges.filter((e): e is CheckEdge => e.kind === 'check');
  assert.deepEqual(
    edges.map((e) => `${e.from} ${e.to}`),
    ['guest:a guest:b', 'guest:a net:nat', 'guest:b outside', 'guest:b guest:a', 'guest:b net:iso', 'guest:b net:iso', 'guest:b lan:eth0', 'guest:b outside'],
  );
  assert.deepEqual(t.verify, { at: '2025-01-01T00:00:00Z', total: 9, passed: 7, failed: 2 });
  assert.deepEqual(
    checkGroups(t.edges).map((g) => [g.from, g.to, g.checks.length, g.ok]),
    [
      ['guest:a', 'guest:b', 1, true],
      ['guest:a', 'net:nat', 1, true],
      ['guest:b', 'outside', 2, false],
      ['guest:b', 'guest:a', 1, true],
      ['guest:b', 'net:iso', 2, true],
      ['guest:b', 'lan:eth0', 1, true],
    ],
  );
});

test('live: a check to an address outside every network brings the outside node in', () => {
  const checks: CheckOutcome[] = [{ from: 'a', to: '203.0.113.9', address: '203.0.113.9', expect: 'unreachable', ok: true, reason: null }];
  const t = topologyOf(ISOLATED, { guestStates: { a: 'running' }, verify: { at: '2025-01-01T00:00:00Z', checks } });
  assert.ok(t.nodes.some((n) => n.id === 'outside'));
  assert.ok(t.edges.some((e) => e.kind === 'check' && e.to === 'outside'));
});
