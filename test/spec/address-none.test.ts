/** `address: none`: resolved as an unconfigured NIC, never the default route, checked in verify.checks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../src/errors.js';
import { parseLab } from '../../src/spec/load.js';
import { hasAddress, nicMode } from '../../src/spec/nic-mode.js';

const LAB = `
name: quiet
networks:
  lan: { cidr: 10.20.30.0/24, nat: true }
  wire: { bridge: br0, uplink: eth0, cidr: 192.0.2.0/24, gateway: 192.0.2.1 }
guests:
  a:
    image: ./a.qcow2
    interfaces:
      - { network: wire, address: none }
      - { network: lan, address: 10.20.30.5 }
  b:
    image: ./a.qcow2
    interfaces:
      - { network: wire, address: none }
      - { network: lan }
`;

function problems(text: string): string[] {
  try {
    parseLab(text, '/labs/x/lab.yaml');
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.problems.map((p) => `${p.path}: ${p.message} | ${p.hint ?? ''}`);
  }
  return [];
}

test('address: none resolves to an unconfigured NIC without address, prefix or gateway', () => {
  const lab = parseLab(LAB, '/labs/x/lab.yaml');
  const [none, stat] = lab.guests[0]!.interfaces;
  assert.deepEqual(none, { index: 0, network: 'wire', mac: none!.mac, ifname: 'eth0', unconfigured: true });
  assert.equal(nicMode(none!), 'none');
  assert.equal(hasAddress(none!), false);
  assert.equal(nicMode(stat!), 'static');
  assert.equal(stat!.gateway, '10.20.30.1', 'the static NIC carries the default route, the first (none) NIC on the uplink does not');
  const [bNone, bDhcp] = lab.guests[1]!.interfaces;
  assert.equal(nicMode(bNone!), 'none');
  assert.equal(nicMode(bDhcp!), 'dhcp');
  assert.ok(
    lab.guests[1]!.interfaces.every((i) => i.gateway === undefined),
    'no static NIC: no gateway anywhere, never on the none NIC',
  );
});

test('address: none on a network without cidr is fine (there is no address to check)', () => {
  assert.deepEqual(
    problems(`
name: q
networks:
  up: { uplink: eth0 }
guests:
  a: { image: ./a.qcow2, interfaces: [{ network: up, address: none }] }
`),
    [],
  );
});

test('near misses of none get a hint instead of the IPv4 advice', () => {
  const got = problems(`
name: q
networks:
  lan: { cidr: 10.0.0.0/24 }
guests:
  a: { image: ./a.qcow2, interfaces: [{ network: lan, address: None }, { network: lan, address: dhcp }] }
`);
  assert.deepEqual(got, [
    "guests.a.interfaces[0].address: 'None' is not an IPv4 address | write `address: none` (lower case) for a NIC without any address, or leave `address:` out for DHCP",
    "guests.a.interfaces[1].address: 'dhcp' is not an IPv4 address | leave `address:` out for DHCP",
  ]);
});

test('verify.checks from or to a guest whose every NIC is address: none is an error; one address is enough', () => {
  const text = `
name: q
networks:
  lan: { cidr: 10.0.0.0/24 }
guests:
  dark: { image: ./a.qcow2, interfaces: [{ network: lan, address: none }] }
  lit: { image: ./a.qcow2, interfaces: [{ network: lan, address: none }, { network: lan, address: 10.0.0.7 }] }
verify:
  checks:
    - { from: dark, to: lit }
    - { from: lit, to: dark }
    - { from: lit, to: lit }
`;
  assert.deepEqual(problems(text), [
    "verify.checks[0].from: guest 'dark' has no address to ping from: every interface is `address: none` | give one of its interfaces an address (or leave address out for DHCP), or check from another guest",
    "verify.checks[1].to: guest 'dark' has no address to ping: every interface is `address: none` | give one of its interfaces an address, or name another target",
  ]);
});
