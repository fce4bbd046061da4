/** Host-side actions and conflicts beyond the seed goldens: isolated and uplink networks, rule matching, accel. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { findConflicts } from '../../src/plan/conflicts.js';
import { hostActions, normaliseRule } from '../../src/plan/host-side.js';
import { chooseAccel, planLab } from '../../src/plan/planner.js';
import { parseLab } from '../../src/spec/load.js';
import { emptyHost } from '../fixtures/plan/empty-host.js';
import { upHost } from '../fixtures/plan/up-host.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');
const seedText = readFileSync(new URL('../../examples/seed.yaml', import.meta.url), 'utf8');
const seed = parseLab(seedText, '/labs/seed.yaml');

const mixed = parseLab(
  `
name: mixed
networks:
  iso: { bridge: isobr, cidr: 10.5.0.0/24 }
  lan: { bridge: br0, uplink: enp1s0 }
guests:
  a: { image: /vm-images/tiny, interfaces: [{ network: iso, address: 10.5.0.2 }, { network: lan }] }
`,
  '/labs/mixed.yaml',
);

test('an isolated network gets two tagged REJECT rules at the top of FORWARD, and no NAT', async () => {
  const actions = await hostActions(mixed, emptyHost(template));
  const rules = actions.flatMap((a) => (a.details.kind === 'iptables.rule' ? [a.details.rule] : []));
  assert.deepEqual(
    rules.map((r) => `${r.table} ${r.position} ${r.chain} ${r.spec.join(' ')}`),
    [
      'filter insert FORWARD -i isobr ! -o isobr -m comment --comment vlab:mixed -j REJECT --reject-with icmp-port-unreachable',
      'filter insert FORWARD ! -i isobr -o isobr -m comment --comment vlab:mixed -j REJECT --reject-with icmp-port-unreachable',
    ],
  );
  assert.ok(!actions.some((a) => a.kind === 'sysctl.forward'), 'no NAT network: forwarding is left alone');
});

test('an uplink network gets a bridge and the uplink move, but no host address and no rules', async () => {
  const actions = await hostActions(mixed, emptyHost(template));
  const lan = actions.filter((a) => a.target === 'br0' || a.id.includes('br0'));
  assert.deepEqual(
    lan.map((a) => a.kind),
    ['bridge.create', 'uplink.attach'],
  );
  assert.ok(actions.some((a) => a.id === 'libvirt.network:vlab-mixed-lan'));
});

test('an uplink network enslaves its NIC to the bridge, moving its addresses and routes in one batch', async () => {
  const host = emptyHost(template);
  host.links.push({ name: 'enp1s0', up: true, mac: '52:54:00:aa:bb:cc' });
  host.addresses.push({ ifname: 'enp1s0', cidr: '192.0.2.150/24', broadcast: '192.0.2.255' });
  host.routes.push({ dst: 'default', dev: 'enp1s0', gateway: '192.0.2.1', protocol: 'dhcp', metric: 100 });
  host.routes.push({ dst: '192.0.2.0/24', dev: 'enp1s0', protocol: 'kernel', scope: 'link', prefsrc: '192.0.2.150' });
  const actions = await hostActions(mixed, host);
  const move = actions.find((a) => a.kind === 'uplink.attach');
  assert.ok(move && move.details.kind === 'uplink.attach');
  assert.deepEqual(move.details.attach, [
    'link set dev enp1s0 master br0',
    'address del 192.0.2.150/24 dev enp1s0',
    'address add 192.0.2.150/24 broadcast 192.0.2.255 dev br0',
    'route replace default via 192.0.2.1 dev br0 proto dhcp metric 100',
  ]);
  assert.deepEqual(move.details.detach, [
    'address del 192.0.2.150/24 dev br0',
    'link set dev enp1s0 nomaster',
    'address add 192.0.2.150/24 broadcast 192.0.2.255 dev enp1s0',
    'route replace default via 192.0.2.1 dev enp1s0 proto dhcp metric 100',
  ]);
  assert.equal(move.details.check, '192.0.2.1');
  assert.equal(move.details.mac, '52:54:00:aa:bb:cc');
});

test('a missing or wireless uplink NIC is a conflict', () => {
  const missing = findConflicts(mixed, emptyHost(template));
  assert.ok(
    missing.some((c) => c.message.includes('enp1s0')),
    'enp1s0 does not exist on the host',
  );
  const wifi = emptyHost(template);
  wifi.links.push({ name: 'enp1s0', up: true, wireless: true });
  assert.ok(
    findConflicts(mixed, wifi).some((c) => c.message.includes('enp1s0')),
    'a wireless NIC cannot be bridged',
  );
});

test('rules already present are recognised even when iptables -S quotes the comment', async () => {
  const host = upHost(template);
  host.iptables.natPostrouting = ['-A POSTROUTING -s 172.16.0.0/16 ! -d 172.16.0.0/16 -m comment --comment "vlab:seed" -j MASQUERADE'];
  const rule = (await hostActions(seed, host)).find((a) => a.kind === 'iptables.rule')!;
  assert.equal(rule.satisfied, true);
  assert.equal(normaliseRule('-A  X  -m comment --comment "vlab:a b"'), '-A X -m comment --comment vlab:a b');
});

test("another lab's rule or an untagged rule does not satisfy ours", async () => {
  for (const line of [
    '-A POSTROUTING -s 172.16.0.0/16 ! -d 172.16.0.0/16 -m comment --comment vlab:other -j MASQUERADE',
    '-A POSTROUTING -s 172.16.0.0/16 ! -d 172.16.0.0/16 -j MASQUERADE',
  ]) {
    const host = emptyHost(template);
    host.iptables.natPostrouting = [line];
    const rule = (await hostActions(seed, host)).find((a) => a.kind === 'iptables.rule')!;
    assert.equal(rule.satisfied, false, line);
  }
});

test('a bridge with our address but without our alias is not ours', async () => {
  const host = upHost(template);
  host.links = host.links.map((l) => (l.name === 'isolationbr' ? { ...l, alias: undefined } : l));
  const actions = await hostActions(seed, host);
  assert.equal(actions.find((a) => a.kind === 'bridge.create')!.satisfied, false);
  assert.equal(actions.find((a) => a.kind === 'bridge.address')!.satisfied, false);
  assert.ok(findConflicts(seed, host).some((c) => c.kind === 'bridge-taken'));
});

test('accel: auto follows the host, explicit settings win', async () => {
  const noKvm = emptyHost(template);
  const kvm = { ...emptyHost(template), accel: { kvm: true, reason: '/dev/kvm usable' } };
  assert.equal(chooseAccel(seed, noKvm), 'tcg');
  assert.equal(chooseAccel(seed, kvm), 'kvm');
  assert.equal(chooseAccel({ ...seed, accel: 'tcg' }, kvm), 'tcg');
  assert.equal(chooseAccel({ ...seed, accel: 'kvm' }, noKvm), 'kvm');
  const forced = await planLab({ ...seed, accel: 'kvm' }, noKvm);
  assert.ok(forced.conflicts.some((c) => c.kind === 'accel-unavailable' && c.message.includes('kvm_pvm')));
  const p = await planLab(seed, kvm);
  assert.ok(!p.notes.some((n) => /TCG/.test(n)));
});

test('libvirt not answering and iptables unreadable are conflicts', () => {
  const host = emptyHost(template);
  host.libvirt = { available: false, error: 'Failed to connect socket', networks: [], domains: [] };
  host.iptables.available = false;
  const kinds = findConflicts(seed, host).map((c) => c.kind);
  assert.ok(kinds.includes('libvirt-unavailable'));
  assert.ok(kinds.includes('iptables-unavailable'));
});

test('an address on a host interface inside the lab network is a conflict', () => {
  const host = emptyHost(template);
  host.addresses.push({ ifname: 'wg0', cidr: '172.16.5.1/24' });
  const c = findConflicts(seed, host);
  assert.ok(c.some((x) => x.kind === 'cidr-overlap' && x.message.includes('wg0')));
});
