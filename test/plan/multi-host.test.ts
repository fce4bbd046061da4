/** Multi-host plans: one plan per host, networks stretched by VXLAN, guest disks made here and copied. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { planLab, waves } from '../../src/plan/planner.js';
import { vxlanId } from '../../src/plan/multi-host.js';
import { parseLab } from '../../src/spec/load.js';
import { plainHost } from '../fixtures/plan/common.js';
import type { Action } from '../../src/plan/types.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');

export const TWO_HOSTS = `
name: duo
hosts:
  a: { local: true, underlay: 198.19.0.1 }
  b: { ssh: { host: 198.19.0.2, user: root, known_hosts: b.known_hosts } }
networks:
  lan: { bridge: duolan, cidr: 172.30.0.0/24, nat: true }
  iso: { bridge: duoiso, cidr: 172.31.0.0/24 }
images:
  tiny: /vm-images/tiny
guests:
  g1: { image: tiny, interfaces: [{ network: lan, address: 172.30.0.11 }] }
  g2: { image: tiny, host: b, interfaces: [{ network: lan, address: 172.30.0.12 }] }
  g3: { image: tiny, host: b, interfaces: [{ network: iso, address: 172.31.0.13 }] }
`;

async function twoHostPlan() {
  const lab = parseLab(TWO_HOSTS, '/labs/duo.yaml');
  const facts = { ...plainHost(template, 'duo'), vxlanLoaded: false, hosts: { b: { ...plainHost(template, 'duo'), images: {}, vxlanLoaded: true } } };
  return { lab, plan: await planLab(lab, facts) };
}

const byId = (actions: Action[], id: string) => {
  const a = actions.find((x) => x.id === id);
  assert.ok(a, `no action ${id}; have ${actions.map((x) => x.id).join(', ')}`);
  return a;
};

test('the lab file places guests and networks: hosts of each network, its gateway host, MTU 1450 on stretched NICs only', () => {
  const lab = parseLab(TWO_HOSTS, '/labs/duo.yaml');
  assert.deepEqual(
    lab.networks.map((n) => [n.name, n.hosts, n.gatewayHost]),
    [
      ['lan', ['a', 'b'], 'a'],
      ['iso', ['a', 'b'], 'a'],
    ],
  );
  assert.deepEqual(
    lab.guests.map((g) => [g.name, g.host, g.interfaces[0]!.mtu]),
    [
      ['g1', 'a', 1450],
      ['g2', 'b', 1450],
      ['g3', 'b', 1450],
    ],
  );
  assert.equal(lab.hosts![1]!.underlay, '198.19.0.2', 'the SSH host is the default underlay address');
  assert.equal(lab.hosts![1]!.ssh!.knownHosts, '/labs/b.known_hosts');
});

test('gateway, NAT and forwarding live on the gateway host only; the other host gets a bare bridge with isolation rules', async () => {
  const { plan } = await twoHostPlan();
  const a = plan.actions.filter((x) => !x.host);
  const b = plan.actions.filter((x) => x.host === 'b');
  assert.ok(byId(a, 'bridge.address:duolan'));
  assert.ok(byId(a, 'sysctl.forward'));
  assert.ok(a.some((x) => x.details.kind === 'iptables.rule' && x.details.rule.table === 'nat'));
  assert.ok(!b.some((x) => x.kind === 'bridge.address' || x.kind === 'sysctl.forward'), 'no address or forwarding on b');
  assert.ok(!b.some((x) => x.details.kind === 'iptables.rule' && x.details.rule.table === 'nat'), 'no NAT on b');
  assert.ok(byId(b, 'b/bridge.create:duolan'));
  const bRules = b.flatMap((x) => (x.details.kind === 'iptables.rule' ? [x.details.rule.spec.join(' ')] : []));
  assert.ok(bRules.some((r) => r.startsWith('-i duoiso ! -o duoiso')) && bRules.some((r) => r.startsWith('-i duolan ! -o duolan')), bRules.join('\n'));
  assert.ok(byId(b, 'b/libvirt.network:vlab-duo-lan'));
});

test('a stretched network gets one VXLAN link per host, same VNI, each flooding to the other; the module load is said', async () => {
  const { plan } = await twoHostPlan();
  const va = byId(plan.actions, 'vxlan.create:duolan');
  const vb = byId(plan.actions, 'b/vxlan.create:duolan');
  assert.equal(vb.host, 'b');
  assert.ok(va.details.kind === 'vxlan.create' && vb.details.kind === 'vxlan.create');
  assert.equal(va.details.vni, vxlanId('duo', 'lan'));
  assert.equal(va.details.vni, vb.details.vni);
  assert.deepEqual([va.details.local, va.details.peers], ['198.19.0.1', ['198.19.0.2']]);
  assert.deepEqual([vb.details.local, vb.details.peers], ['198.19.0.2', ['198.19.0.1']]);
  assert.equal(va.details.alias, 'vlab:duo');
  assert.match(va.description, /loads the kernel module vxlan, which stays loaded/);
  assert.doesNotMatch(vb.description, /kernel module/);
  assert.ok(plan.notes.some((n) => /vxlan is not loaded/.test(n)));
});

test("a remote guest's disk is configured here over the local base, copied, and run over the host's copy of the base", async () => {
  const { plan } = await twoHostPlan();
  const overlay = byId(plan.actions, 'disk.overlay:g2');
  assert.equal(overlay.host, undefined, 'configured on the controller');
  assert.ok(overlay.details.kind === 'disk.overlay');
  assert.equal(overlay.details.base, '/vm-images/tiny/disk.qcow2');
  const config = byId(plan.actions, 'guest.config:g2');
  assert.equal(config.host, undefined);
  const copy = byId(plan.actions, 'b/disk.copy:g2');
  assert.ok(copy.details.kind === 'disk.copy');
  assert.deepEqual(copy.dependsOn, ['guest.config:g2']);
  assert.equal(copy.details.layer, '/var/lib/vlab/duo/disks/g2.configured.qcow2');
  assert.match(copy.details.base.to, /^\/var\/cache\/vlab\/images\/[0-9a-f]{12}-disk\.qcow2$/);
  const top = byId(plan.actions, 'b/disk.top:g2');
  assert.deepEqual(top.dependsOn, ['b/disk.copy:g2']);
  const define = byId(plan.actions, 'b/domain.define:vlab-duo-g2');
  assert.ok(define.details.kind === 'domain.define');
  assert.ok(define.details.xml.includes(copy.details.base.to), 'the backing chain names the host copy of the base');
  assert.match(define.details.xml, /<mtu size="1450"\/>/);
  // The image's kernel and initrd: copies in the host's image cache, never the controller's paths there.
  assert.deepEqual(copy.details.files, ['/var/lib/vlab/duo/disks/g2.configured.qcow2']);
  assert.deepEqual(
    copy.details.boot?.map((b) => b.from),
    ['/vm-images/tiny/vmlinuz', '/vm-images/tiny/initrd.img'],
  );
  for (const b of copy.details.boot ?? []) {
    assert.match(b.to, /^\/var\/cache\/vlab\/images\//);
    assert.ok(define.details.xml.includes(b.to), `the domain boots ${b.to}`);
  }
  assert.doesNotMatch(define.details.xml, /\/vm-images\//, "no path of the controller's image in the host's domain");
});

test('a remote guest starts after its network is complete on the gateway host and both VXLAN ends exist; the waves have no cycle', async () => {
  const { plan } = await twoHostPlan();
  const start = byId(plan.actions, 'b/domain.start:vlab-duo-g2');
  for (const d of ['bridge.address:duolan', 'sysctl.forward', 'vxlan.create:duolan', 'b/vxlan.create:duolan', 'b/domain.define:vlab-duo-g2'])
    assert.ok(start.dependsOn.includes(d), `${d} in ${start.dependsOn.join(', ')}`);
  assert.ok(waves(plan).length > 3);
  const ids = new Set(plan.actions.map((a) => a.id));
  assert.equal(ids.size, plan.actions.length, 'ids are unique');
  for (const a of plan.actions) for (const d of a.dependsOn) assert.ok(ids.has(d), `${a.id} depends on missing ${d}`);
  assert.deepEqual(plan.conflicts, []);
});

test('every guest of the lab is in every guest’s /etc/hosts, wherever it runs', async () => {
  const { plan } = await twoHostPlan();
  const config = byId(plan.actions, 'guest.config:g1');
  assert.ok(config.details.kind === 'guest.config');
  const hosts = config.details.files.find((f) => f.path === '/etc/hosts')!.content;
  for (const g of ['g2', 'g3']) assert.match(hosts, new RegExp(`\\s${g}(\\s|$)`));
});

test('a remote host without facts is a conflict, not a crash', async () => {
  const lab = parseLab(TWO_HOSTS, '/labs/duo.yaml');
  const plan = await planLab(lab, plainHost(template, 'duo'));
  assert.ok(plan.conflicts.some((c) => c.kind === 'host-unread' && /host 'b'/.test(c.message)));
});
