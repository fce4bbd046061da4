/** Derived and explicit checks skip what an `address: none` NIC does not have. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLab } from '../../src/spec/load.js';
import { deriveChecks } from '../../src/verify/checks.js';

const LAB = `
name: quiet
networks:
  lan: { cidr: 10.20.30.0/24 }
  wire: { bridge: br0, uplink: eth0, cidr: 192.0.2.0/24, gateway: 192.0.2.1 }
  dark: { cidr: 10.9.0.0/24 }
guests:
  a:
    image: ./a.qcow2
    interfaces:
      - { network: wire, address: none }
      - { network: lan, address: 10.20.30.5 }
      - { network: dark, address: none }
  b:
    image: ./a.qcow2
    interfaces:
      - { network: lan, address: 10.20.30.6 }
      - { network: dark, address: 10.9.0.6 }
verify:
  external: [198.18.0.2]
  checks:
    - { from: b, to: a }
    - { from: a, to: gateway }
`;

test('no checks over or to a none NIC: gateways, peers and egress only where the guest has an address', () => {
  const checks = deriveChecks(parseLab(LAB, '/labs/x/lab.yaml'));
  const of = (g: string) => checks.filter((c) => c.from === g).map((c) => `${c.to} ${c.address} ${c.expect}`);
  assert.deepEqual(of('a'), [
    'gateway:lan 10.20.30.1 reachable',
    'b 10.20.30.6 reachable',
    // a's only addressed network is lan (isolated): the uplink behind its none NIC gives no egress
    'external:198.18.0.2 198.18.0.2 unreachable',
  ]);
  assert.deepEqual(of('b'), ['gateway:lan 10.20.30.1 reachable', 'gateway:dark 10.9.0.1 reachable', 'a 10.20.30.5 reachable', 'external:198.18.0.2 198.18.0.2 unreachable']);
  assert.ok(!checks.some((c) => c.address === '192.0.2.1'), 'no gateway check on the network of a none NIC');
});

test('explicit to: a guest uses its address, not its none NIC; to: gateway uses its first network with an address', () => {
  const checks = deriveChecks(parseLab(LAB, '/labs/x/lab.yaml'));
  const explicit = checks.filter((c) => c.origin === 'explicit').map((c) => `${c.from}->${c.to} ${c.address}`);
  assert.deepEqual(explicit, ['a->gateway:lan 10.20.30.1', 'b->a 10.20.30.5']);
});
