/** waves(): every action after all of its dependencies; ids unique; cycles detected. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { planLab, waves } from '../../src/plan/planner.js';
import type { HostFacts } from '../../src/plan/facts.js';
import type { Plan } from '../../src/plan/types.js';
import { parseLab } from '../../src/spec/load.js';
import { dockerHost } from '../fixtures/plan/docker-host.js';
import { emptyHost } from '../fixtures/plan/empty-host.js';
import { tinyImage } from '../fixtures/plan/common.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');
const seed = parseLab(readFileSync(new URL('../../examples/seed.yaml', import.meta.url), 'utf8'), '/labs/seed.yaml');

/** Two NAT-less networks (one isolated), a NAT one, a router on all three and DHCP guests. */
const multi = parseLab(
  `
name: multi
networks:
  front: { cidr: 10.1.0.0/24, nat: true }
  back: { cidr: 10.2.0.0/24 }
  mgmt: { cidr: 10.3.0.0/24 }
images:
  tiny: /vm-images/tiny
guests:
  router:
    image: tiny
    interfaces:
      - { network: front, address: 10.1.0.2 }
      - { network: back, address: 10.2.0.2 }
      - { network: mgmt, address: 10.3.0.2 }
  app: { image: tiny, interfaces: [{ network: back, address: 10.2.0.10 }] }
  probe: { image: tiny, interfaces: [{ network: mgmt }] }
`,
  '/labs/multi.yaml',
);

function assertOrdered(plan: Plan): void {
  const ws = waves(plan);
  const waveOf = new Map<string, number>();
  ws.forEach((w, i) => w.forEach((id) => waveOf.set(id, i)));
  assert.equal(waveOf.size, plan.actions.length, 'every action in exactly one wave');
  assert.equal(ws.flat().length, plan.actions.length, 'no action twice');
  for (const a of plan.actions) {
    for (const d of a.dependsOn) {
      assert.ok(waveOf.has(d), `${a.id} depends on unknown ${d}`);
      assert.ok(waveOf.get(d)! < waveOf.get(a.id)!, `${a.id} (wave ${waveOf.get(a.id)}) runs before its dependency ${d} (wave ${waveOf.get(d)})`);
    }
  }
  // Within a wave nothing depends on anything else in the same wave.
  for (const w of ws) for (const id of w) for (const d of plan.actions.find((a) => a.id === id)!.dependsOn) assert.ok(!w.includes(d));
}

const hosts: [string, (t: string) => HostFacts][] = [
  ['empty', emptyHost],
  ['docker', dockerHost],
];

for (const [hostName, host] of hosts) {
  test(`seed on the ${hostName} host: no action before its dependencies`, async () => {
    assertOrdered(await planLab(seed, host(template)));
  });
  test(`three-network lab on the ${hostName} host: no action before its dependencies`, async () => {
    assertOrdered(await planLab(multi, host(template)));
  });
}

test('action ids are unique and dependencies name existing actions', async () => {
  for (const lab of [seed, multi]) {
    const plan = await planLab(lab, emptyHost(template));
    const ids = plan.actions.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${lab.name}`);
  }
});

test('the host side comes before the guests that use it', async () => {
  const plan = await planLab(multi, { ...emptyHost(template), stateDir: '/var/lib/vlab/multi', images: { tiny: tinyImage } });
  const ws = waves(plan);
  const at = (id: string) => ws.findIndex((w) => w.includes(id));
  for (const net of multi.networks) {
    assert.ok(at(`bridge.create:${net.bridge}`) < at(`libvirt.network:vlab-multi-${net.name}`));
    assert.ok(at(`libvirt.network:vlab-multi-${net.name}`) < at('domain.define:vlab-multi-router'));
  }
  for (const g of multi.guests) {
    assert.ok(at(`disk.overlay:${g.name}`) < at(`guest.config:${g.name}`));
    assert.ok(at(`guest.config:${g.name}`) < at(`domain.define:vlab-multi-${g.name}`));
    assert.ok(at(`domain.define:vlab-multi-${g.name}`) < at(`domain.start:vlab-multi-${g.name}`));
    assert.ok(at(`domain.start:vlab-multi-${g.name}`) < at(`guest.ready:${g.name}`));
  }
  assert.ok(at('sysctl.forward') < at('domain.start:vlab-multi-router'));
});

test('a dependency cycle is reported, not looped on', async () => {
  const plan = await planLab(seed, emptyHost(template));
  const first = plan.actions[0]!;
  const last = plan.actions[plan.actions.length - 1]!;
  first.dependsOn = [last.id];
  assert.throws(() => waves(plan), /dependency cycle/);
});
