/** The leak sweep in the core, against the fake Host: leftovers listed by tag, `down --sweep` removes exactly them, an uplink only with its undo-facts record. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SEED_YAML, UPLINK_YAML } from '../fakes/labs.js';
import { upFakeLab } from '../fakes/run-lab.js';
import { labDown } from '../../src/lab/down.js';
import { labStatus } from '../../src/lab/status.js';
import { gatherLeftovers } from '../../src/lab/leftovers.js';
import { labSweep } from '../../src/lab/sweep.js';
import { labDoctor } from '../../src/lab/doctor.js';
import { HostError, UsageError } from '../../src/errors.js';

/** The lab up (with its checkpoint), and the path of its state file. */
async function upLab(yaml: string, lab: string) {
  const s = await upFakeLab(yaml, lab, { checkpoint: true, prefix: 'vlab-sweep-' });
  return { ...s, state: path.join(s.root, lab, 'state.json') };
}

test('state.json deleted: doctor lists every tagged object of the lab; down --sweep removes them and the host is as before up', async () => {
  const s = await upLab(SEED_YAML, 'seed');
  try {
    fs.rmSync(s.state);
    const [l] = await gatherLeftovers(s.fake.host, s.root);
    assert.equal(l?.lab, 'seed');
    assert.equal(l.state, 'missing');
    const kinds = l.objects.map((o) => `${o.kind} ${o.name}`);
    for (const want of [
      /^bridge isolationbr$/,
      /^iptables -t nat -A POSTROUTING .*vlab:seed/,
      /^libvirt-network vlab-seed-isolation$/,
      /^domain vlab-seed-web$/,
      /^domain vlab-seed-db$/,
      /^state-files /,
    ])
      assert.ok(
        kinds.some((k) => want.test(k)),
        `${want} in:\n${kinds.join('\n')}`,
      );
    assert.equal(l.fix, 'vlab down seed --sweep');
    const doc = await labDoctor({ host: s.fake.host, root: s.root, uri: 'qemu:///system' });
    assert.equal(doc.status, 'warn');
    assert.match(doc.checks.find((c) => c.id === 'leftovers')!.seen, /lab seed \(state missing; \d+ tagged objects\)/);
    const r = await labSweep(s.r);
    assert.deepEqual(r.refused, []);
    assert.ok(
      r.removed.some((x) => /net.ipv4.ip_forward: restored to 0/.test(x)),
      r.removed.join('\n'),
    );
    assert.equal(s.fake.snapshot(), s.before);
    assert.equal(fs.existsSync(path.join(s.root, 'seed')), false);
    assert.deepEqual(await gatherLeftovers(s.fake.host, s.root), []);
  } finally {
    s.done();
  }
});

test('a corrupt state: status and down say so and point to --sweep (no bug trace); the sweep removes the lab, never an untagged bridge, rule or domain', async () => {
  const s = await upLab(SEED_YAML, 'seed');
  try {
    fs.writeFileSync(s.state, '{ not json');
    // Objects made by hand, untagged, beside the lab's.
    await s.fake.host.ip.createBridge('handbr', '');
    await s.fake.host.iptables.append('nat', 'POSTROUTING', ['-s', '10.77.0.0/16', '-j', 'MASQUERADE']);
    await s.fake.host.libvirt.defineDomain('<domain type="qemu"><name>hand-made</name></domain>');
    const withHand = s.fake.snapshot();
    for (const work of [labStatus(s.r), labDown(s.r)])
      await assert.rejects(work, (e: unknown) => e instanceof HostError && /state file of lab 'seed' is corrupt/.test(e.message) && /vlab down seed --sweep/.test(e.hint ?? ''));
    const [l] = await gatherLeftovers(s.fake.host, s.root);
    assert.equal(l?.state, 'corrupt');
    assert.match(l.error ?? '', /corrupt/);
    const r = await labSweep(s.r);
    assert.deepEqual(r.refused, []);
    const after = JSON.parse(s.fake.snapshot()) as { links: string[]; domains: Record<string, unknown> };
    assert.ok(
      after.links.some((x) => x.includes('"handbr"')),
      'the untagged bridge stays',
    );
    assert.ok('hand-made' in after.domains, 'the untagged domain stays');
    assert.match(s.fake.snapshot(), /10\.77\.0\.0\/16/, 'the untagged rule stays');
    assert.notEqual(s.fake.snapshot(), withHand);
    assert.deepEqual(await gatherLeftovers(s.fake.host, s.root), []);
  } finally {
    s.done();
  }
});

test('an uplink lab: with the undo-facts record the NIC is moved back before its bridge goes; without it the bridge is refused and the host keeps its network', async () => {
  const s = await upLab(UPLINK_YAML, 'lan');
  try {
    fs.rmSync(s.state);
    const facts = path.join(s.root, 'lan', 'undo-facts.json');
    const saved = fs.readFileSync(facts, 'utf8');
    fs.rmSync(facts);
    const refused = await labSweep(s.r);
    assert.equal(refused.refused.length, 1);
    assert.match(refused.refused[0]!, /bridge br0: holds eth0 and the undo-facts record .* is gone; not deleted, so the host keeps its network/);
    const links = JSON.parse(s.fake.snapshot()) as { links: string[] };
    assert.ok(
      links.links.some((x) => x.includes('"eth0"') && x.includes('"master":"br0"')),
      'eth0 is still on br0',
    );
    // The record back (as if it had survived): the sweep finishes.
    fs.mkdirSync(path.dirname(facts), { recursive: true });
    fs.writeFileSync(facts, saved);
    const r = await labSweep(s.r);
    assert.deepEqual(r.refused, []);
    assert.ok(
      r.removed.some((x) => /uplink eth0: moved back out of br0/.test(x)),
      r.removed.join('\n'),
    );
    assert.equal(s.fake.snapshot(), s.before);
  } finally {
    s.done();
  }
});

test('--sweep on a lab whose journal is fine is refused (use down)', async () => {
  const s = await upLab(SEED_YAML, 'seed');
  try {
    await assert.rejects(labSweep(s.r), (e: unknown) => e instanceof UsageError && /usable journal/.test(e.message));
    await labDown(s.r);
  } finally {
    s.done();
  }
});
