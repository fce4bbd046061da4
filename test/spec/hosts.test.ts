/** `hosts:`, `host:`, `gateway_host:`: references, underlay addresses, uplinks, `-c` placement. Every problem with its path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseLab, parseLab } from '../../src/spec/load.js';
import { isLocalUri, parseSshUri, placeOnRemote } from '../../src/spec/hosts.js';

const problems = (yaml: string) => analyseLab(yaml, '/labs/x.yaml').problems.map((p) => `${p.path}: ${p.message}`);

const base = (hosts: string, guests: string, nets = '  lan: { cidr: 172.30.0.0/24, nat: true }') => `
name: x
${hosts}
networks:
${nets}
guests:
${guests}
`;

test('a host: without hosts:, an unknown host, a second local host and a remote host without a target are each reported', () => {
  assert.deepEqual(problems(base('', '  g: { image: /i, host: b, interfaces: [{ network: lan }] }')), ["guests.g.host: host 'b' needs a hosts: section"]);
  const got = problems(
    base(
      'hosts:\n  a: local\n  z: { local: true }\n  b: {}',
      '  g: { image: /i, host: c, interfaces: [{ network: lan }] }',
      '  lan: { cidr: 172.30.0.0/24, nat: true, gateway_host: bb }',
    ),
  );
  assert.ok(got.includes("hosts.z: host 'z' is a second local host"), got.join('\n'));
  assert.ok(got.includes("hosts.b: host 'b' has neither uri: nor ssh:"), got.join('\n'));
  assert.ok(got.includes("guests.g.host: unknown host 'c'"), got.join('\n'));
  assert.ok(got.includes("networks.lan.gateway_host: unknown host 'bb'"), got.join('\n'));
});

test('a network spanning hosts needs an underlay address on each; a remote uplink is refused', () => {
  const got = problems(
    base(
      'hosts:\n  a: local\n  b: { ssh: { host: hostb.example } }',
      '  g1: { image: /i, interfaces: [{ network: lan }] }\n  g2: { image: /i, host: b, interfaces: [{ network: lan }, { network: up }] }',
      '  lan: { cidr: 172.30.0.0/24 }\n  up: { uplink: eth1, gateway_host: b }',
    ),
  );
  assert.ok(
    got.some((p) => p.startsWith("hosts.a: host 'a' needs underlay:")),
    got.join('\n'),
  );
  assert.ok(
    got.some((p) => p.startsWith("hosts.b: host 'b' needs underlay:")),
    got.join('\n'),
  );
  assert.ok(got.includes("networks.up.uplink: a bridged uplink on remote host 'b' is not supported"), got.join('\n'));
});

test('a qemu+ssh URI gives the SSH target and the URI used on that host; other URIs are not one', () => {
  assert.deepEqual(parseSshUri('qemu+ssh://root@198.19.0.2:2222/system?keyfile=keys/id', '/labs'), {
    ssh: { host: '198.19.0.2', user: 'root', port: 2222, identity: '/labs/keys/id' },
    libvirtUri: 'qemu:///system',
  });
  assert.equal(parseSshUri('qemu+tcp://h/system', '/labs'), undefined);
  assert.equal(isLocalUri('qemu:///system'), true);
  assert.equal(isLocalUri('qemu+ssh://h/system'), false);
});

test('-c qemu+ssh://… alone puts every guest and network on that one host', () => {
  const lab = parseLab(base('', '  g: { image: /i, interfaces: [{ network: lan, address: 172.30.0.5 }] }'), '/labs/x.yaml');
  const placed = placeOnRemote(lab, 'qemu+ssh://root@198.19.0.2/system')!;
  assert.deepEqual(
    placed.hosts!.map((h) => [h.name, h.local, h.ssh?.host, h.underlay]),
    [['h-198-19-0-2', false, '198.19.0.2', '198.19.0.2']],
  );
  assert.deepEqual(
    placed.guests.map((g) => g.host),
    ['h-198-19-0-2'],
  );
  assert.deepEqual(
    placed.networks.map((n) => [n.hosts, n.gatewayHost]),
    [[['h-198-19-0-2'], 'h-198-19-0-2']],
  );
  assert.equal(placed.guests[0]!.interfaces[0]!.mtu, undefined, 'nothing is stretched');
});
