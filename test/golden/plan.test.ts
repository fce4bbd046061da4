/**
 * Golden plans of examples/seed.yaml against hand-built hosts (test/fixtures/plan): the verbose
 * text (`vlab plan -v`) and the JSON (`vlab plan --json`). Update with `npm run golden:update`,
 * then read the diff.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatPlan, planToJson } from '../../src/cli/format-plan.js';
import { planLab } from '../../src/plan/planner.js';
import type { HostFacts } from '../../src/plan/facts.js';
import type { Plan } from '../../src/plan/types.js';
import { parseLab } from '../../src/spec/load.js';
import { conflictHost } from '../fixtures/plan/conflict-host.js';
import { dockerHost } from '../fixtures/plan/docker-host.js';
import { emptyHost } from '../fixtures/plan/empty-host.js';
import { upHost } from '../fixtures/plan/up-host.js';
import { assertGolden } from './helpers.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');
// A fixed fake path, so that no golden depends on where the checkout is.
const seed = parseLab(readFileSync(new URL('../../examples/seed.yaml', import.meta.url), 'utf8'), '/labs/seed.yaml');

const HOSTS: Record<string, (template: string) => HostFacts> = { empty: emptyHost, docker: dockerHost, up: upHost, conflicts: conflictHost };

async function plan(host: string): Promise<Plan> {
  return planLab(seed, HOSTS[host]!(template));
}

const MASQUERADE = '-s 172.16.0.0/16 ! -d 172.16.0.0/16 -m comment --comment vlab:seed -j MASQUERADE';

for (const host of Object.keys(HOSTS)) {
  test(`seed plan on the ${host} host: goldens`, async () => {
    const p = await plan(host);
    assertGolden(`plan/seed-${host}.txt`, formatPlan(p, { verbose: true }) + '\n');
    assertGolden(`plan/seed-${host}.json`, JSON.stringify(planToJson(p), null, 2) + '\n');
  });
}

test('the seed plan has every piece of the lab', async () => {
  const p = await plan('empty');
  const of = (kind: string) => p.actions.filter((a) => a.kind === kind);
  assert.equal(p.lab, 'seed');
  assert.equal(p.stateDir, '/var/lib/vlab/seed');
  assert.equal(p.accel, 'tcg', 'no usable KVM on this host');
  assert.deepEqual(p.conflicts, []);

  assert.deepEqual(of('bridge.create').map((a) => a.target), ['isolationbr']);
  const addr = of('bridge.address');
  assert.equal(addr.length, 1);
  assert.deepEqual(addr[0]!.details, { kind: 'bridge.address', bridge: 'isolationbr', cidr: '172.16.0.1/16' });
  assert.match(addr[0]!.description, /172\.16\.0\.1\/16/);

  const fwd = of('sysctl.forward');
  assert.equal(fwd.length, 1);
  assert.deepEqual(fwd[0]!.details, { kind: 'sysctl.forward', key: 'net.ipv4.ip_forward', value: '1', previous: '0' });

  const rules = of('iptables.rule');
  assert.equal(rules.length, 1, 'NAT network, FORWARD policy ACCEPT: only the MASQUERADE rule');
  const d = rules[0]!.details;
  assert.ok(d.kind === 'iptables.rule');
  assert.equal(d.rule.table, 'nat');
  assert.equal(d.rule.chain, 'POSTROUTING');
  assert.equal(d.rule.spec.join(' '), MASQUERADE);
  assert.ok(rules[0]!.description.includes(`-t nat -A POSTROUTING ${MASQUERADE}`));

  const lv = of('libvirt.network');
  assert.deepEqual(lv.map((a) => a.target), ['vlab-seed-isolation']);
  const lvd = lv[0]!.details;
  assert.ok(lvd.kind === 'libvirt.network');
  assert.match(lvd.xml, /<bridge name="isolationbr"\/>/);
  assert.match(lvd.xml, /<forward mode="bridge"\/>/);

  assert.deepEqual(of('disk.overlay').map((a) => a.target), ['/var/lib/vlab/seed/disks/web.configured.qcow2', '/var/lib/vlab/seed/disks/db.configured.qcow2']);
  assert.deepEqual(of('disk.top').map((a) => a.details.kind === 'disk.top' && [a.details.base, a.target]), [
    ['/var/lib/vlab/seed/disks/web.configured.qcow2', '/var/lib/vlab/seed/disks/web.qcow2'],
    ['/var/lib/vlab/seed/disks/db.configured.qcow2', '/var/lib/vlab/seed/disks/db.qcow2'],
  ]);
  for (const a of of('disk.overlay')) assert.ok(a.details.kind === 'disk.overlay' && a.details.base === '/vm-images/tiny/disk.qcow2');

  const configs = of('guest.config');
  assert.equal(configs.length, 2);
  for (const c of configs) {
    assert.ok(c.details.kind === 'guest.config');
    assert.equal(c.details.stack, 'ifupdown');
    assert.equal(c.details.files.filter((f) => f.path === '/etc/network/interfaces').length, 1, `${c.id} writes one interfaces file`);
  }
  const iface = (guest: string) => {
    const d = configs.map((c) => c.details).find((x) => x.kind === 'guest.config' && x.guest === guest);
    assert.ok(d?.kind === 'guest.config');
    return d.files.find((f) => f.path === '/etc/network/interfaces')!.content;
  };
  assert.match(iface('web'), /172\.16\.0\.2/);
  assert.match(iface('db'), /172\.16\.0\.3/);

  assert.deepEqual(of('domain.define').map((a) => a.target), ['vlab-seed-web', 'vlab-seed-db']);
  for (const a of of('domain.define')) {
    assert.ok(a.details.kind === 'domain.define');
    assert.match(a.details.xml, /<domain type="qemu">/, 'TCG: domain type qemu');
    assert.match(a.details.xml, /<source network="vlab-seed-isolation"\/>/);
  }
  assert.deepEqual(of('domain.start').map((a) => a.target), ['vlab-seed-web', 'vlab-seed-db']);
  assert.ok(p.actions.every((a) => !a.satisfied), 'nothing is in place on an empty host');
});

test('planToJson round-trips through JSON with lab, actions and conflicts', async () => {
  for (const host of Object.keys(HOSTS)) {
    const p = await plan(host);
    const j = JSON.parse(JSON.stringify(planToJson(p))) as {
      lab: string;
      actions: { id: string; kind: string; target: string; description: string; dependsOn: string[] }[];
      conflicts: { kind: string; message: string; hint: string }[];
    };
    assert.equal(j.lab, 'seed');
    assert.equal(j.actions.length, p.actions.length);
    for (const [i, a] of j.actions.entries()) {
      const orig = p.actions[i]!;
      assert.equal(a.id, orig.id);
      assert.equal(a.kind, orig.kind);
      assert.equal(a.target, orig.target);
      assert.equal(a.description, orig.description);
      assert.deepEqual(a.dependsOn, orig.dependsOn);
      assert.equal(typeof a.id, 'string');
      assert.ok(Array.isArray(a.dependsOn));
    }
    assert.deepEqual(j.conflicts, p.conflicts);
  }
});

test('the Docker host: FORWARD policy DROP gets tagged ACCEPT rules and a note', async () => {
  const p = await plan('docker');
  const specs = p.actions.flatMap((a) => (a.details.kind === 'iptables.rule' ? [`${a.details.rule.table} ${a.details.rule.chain} ${a.details.rule.spec.join(' ')}`] : []));
  assert.ok(specs.includes(`nat POSTROUTING ${MASQUERADE}`));
  const accepts = specs.filter((s) => s.startsWith('filter FORWARD') && s.endsWith('-j ACCEPT'));
  assert.ok(accepts.length >= 3, `expected ACCEPT rules for a DROP policy, got\n${specs.join('\n')}`);
  for (const s of accepts) assert.match(s, /-m comment --comment vlab:seed/);
  assert.ok(p.notes.some((n) => /DROP/.test(n)));
  assert.ok(p.actions.find((a) => a.kind === 'sysctl.forward')!.satisfied, 'forwarding is already on');
  assert.deepEqual(p.conflicts, [], 'docker0 on 172.17.0.0/16 does not collide with 172.16.0.0/16');
});

test('the lab already up: every action is satisfied', async () => {
  const p = await plan('up');
  const open = p.actions.filter((a) => !a.satisfied).map((a) => a.id);
  assert.deepEqual(open, []);
  assert.deepEqual(p.conflicts, []);
  assert.match(formatPlan(p, { verbose: false }), /Nothing to change/);
});

test('the conflicting host: every conflict is reported with a fix', async () => {
  const p = await plan('conflicts');
  const kinds = p.conflicts.map((c) => c.kind).sort();
  assert.deepEqual([...new Set(kinds)], ['bridge-taken', 'cidr-overlap', 'domain-taken']);
  const text = p.conflicts.map((c) => c.message).join('\n');
  assert.match(text, /isolationbr/);
  assert.match(text, /172\.16\.0\.0\/16 via eth1/);
  assert.match(text, /lab 'other'/);
  assert.match(text, /vlab-seed-web/);
  for (const c of p.conflicts) assert.ok(c.hint.length > 0, `${c.kind} has no hint`);
});

test('the two-host example (examples/two-hosts.yaml) on two empty hosts: goldens', async () => {
  const duo = parseLab(readFileSync(new URL('../../examples/two-hosts.yaml', import.meta.url), 'utf8'), '/labs/two-hosts.yaml');
  const facts = { ...emptyHost(template), stateDir: '/var/lib/vlab/duo', vxlanLoaded: true, hosts: { b: { ...emptyHost(template), stateDir: '/var/lib/vlab/duo', images: {}, vxlanLoaded: false } } };
  const p = await planLab(duo, facts);
  assert.deepEqual(p.conflicts, []);
  assertGolden('plan/two-hosts-empty.txt', formatPlan(p, { verbose: true }) + '\n');
  assertGolden('plan/two-hosts-empty.json', JSON.stringify(planToJson(p), null, 2) + '\n');
});
