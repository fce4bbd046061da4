/** `reset --cold` in the core, against the fake Host: fresh running disks over the configured layers, snapshots that held them discarded, undone by down after a crash at any host call. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CrashError, type FakeHost } from '../fakes/fake-host.js';
import { SEED_YAML } from '../fakes/labs.js';
import { upFakeLab } from '../fakes/run-lab.js';
import { labDown } from '../../src/lab/down.js';
import { labSnapshotList, labSnapshotSave } from '../../src/lab/snapshot.js';
import { labColdReset, labReset } from '../../src/lab/reset.js';
import { requireState } from '../../src/lab/state.js';
import { HostError, UsageError } from '../../src/errors.js';

const T = { readyTimeoutSec: 5, uplinkTimeoutSec: 5 };
/** A guest's disk file in the lab's state (`.configured` for its configured layer). */
const diskOf =
  (root: string) =>
  (g: string, layer = '') =>
    path.join(root, 'seed', 'disks', `${g}${layer}.qcow2`);

/** Counts the fake's mutating calls by method name while `work` runs. */
async function counting<T>(fake: FakeHost, work: () => Promise<T>): Promise<{ out: T; calls: string[] }> {
  const calls: string[] = [];
  const gate = fake as unknown as { gate: (m: string, mutating: boolean, ...rest: unknown[]) => void };
  const orig = gate.gate.bind(fake);
  gate.gate = (m, mutating, ...rest) => {
    if (mutating) calls.push(`${m} ${String(rest[0] ?? '')}`.trim());
    orig(m, mutating, ...rest);
  };
  try {
    return { out: await work(), calls };
  } finally {
    gate.gate = orig;
  }
}

test('up makes base → configured → running; reset --cold boots every guest on a fresh running disk and takes the ready checkpoint again', async () => {
  const s = await upFakeLab(SEED_YAML, 'seed', { prefix: 'vlab-cold-' });
  try {
    const disk = diskOf(s.root);
    for (const g of ['web', 'db']) {
      assert.equal(fs.readFileSync(disk(g, '.configured'), 'utf8'), `overlay of ${path.join(s.dir, 'images/tiny/disk.qcow2')}\n`);
      assert.equal(fs.readFileSync(disk(g), 'utf8'), `overlay of ${disk(g, '.configured')}\n`);
    }
    fs.appendFileSync(disk('web'), 'written by an experiment\n');
    const { out: r, calls } = await counting(s.fake, () => labColdReset({ ...s.r, ...T }));
    assert.deepEqual(r.guests, ['web', 'db']);
    assert.deepEqual(r.discarded, ['ready']);
    assert.equal(r.checkpoint, true);
    assert.equal(r.ready.length, 2);
    assert.deepEqual(
      r.phases.map((p) => p.title),
      ['Discarding snapshots', 'Cold reset', 'Guests ready', 'Checkpoint ready'],
    );
    assert.equal(fs.readFileSync(disk('web'), 'utf8'), `overlay of ${disk('web', '.configured')}\n`, 'the experiment is gone with the old running disk');
    for (const d of ['vlab-seed-web', 'vlab-seed-db']) {
      assert.ok(calls.includes(`libvirt.destroyDomain ${d}`) && calls.includes(`libvirt.startDomain ${d}`), calls.join('\n'));
      assert.deepEqual(s.fake.state.domains[d]?.snapshots, ['ready'], 'the checkpoint was taken again');
    }
    assert.ok(!calls.some((c) => c.startsWith('qemuImg.createOverlay') && c.includes('.configured')), 'the configured layers are never remade');
    await labReset({ ...s.r, ...T }); // the new checkpoint works
    const down = await labDown(s.r);
    assert.deepEqual(down.failed, []);
    assert.equal(s.fake.snapshot(), s.before);
  } finally {
    s.done();
  }
});

test('reset --cold of one guest deletes every lab snapshot that held it, and takes no checkpoint of a half-reset lab', async () => {
  const s = await upFakeLab(SEED_YAML, 'seed', { prefix: 'vlab-cold-' });
  try {
    await labSnapshotSave({ ...s.r, name: 'a' });
    const r = await labColdReset({ ...s.r, ...T, guests: ['db'] });
    assert.deepEqual(r.guests, ['db']);
    assert.deepEqual(r.discarded, ['ready', 'a']);
    assert.equal(r.checkpoint, false);
    assert.deepEqual(await labSnapshotList(s.r), []);
    for (const d of ['vlab-seed-web', 'vlab-seed-db']) assert.deepEqual(s.fake.state.domains[d]?.snapshots ?? [], [], `${d} keeps no snapshot`);
    await assert.rejects(labReset({ ...s.r, ...T }), (e: unknown) => e instanceof HostError && /no `ready` checkpoint/.test(e.message) && /reset --cold/.test(e.hint ?? ''));
    await labDown(s.r);
    assert.equal(s.fake.snapshot(), s.before);
  } finally {
    s.done();
  }
});

test('reset --cold after up --no-checkpoint works and takes no checkpoint; an unknown guest and a lab without configured layers are refused', async () => {
  const s = await upFakeLab(SEED_YAML, 'seed', { checkpoint: false, prefix: 'vlab-cold-' });
  try {
    const r = await labColdReset({ ...s.r, ...T });
    assert.deepEqual([r.discarded, r.checkpoint], [[], false]);
    await assert.rejects(labColdReset({ ...s.r, ...T, guests: ['nope'] }), (e: unknown) => e instanceof UsageError && /no guest 'nope'/.test(e.message));
    // A lab brought up by a vlab without the configured layer: its journal has no disk.top entries.
    const { store, state } = requireState(s.root, 'seed');
    const saved = state.entries;
    state.entries = saved.filter((e) => e.kind !== 'disk.top');
    store.save(state);
    await assert.rejects(
      labColdReset({ ...s.r, ...T }),
      (e: unknown) => e instanceof HostError && /web, db have no configured layer/.test(e.message) && /down.*up/.test(e.hint ?? ''),
    );
    state.entries = saved;
    store.save(state);
    await labDown(s.r);
    assert.equal(s.fake.snapshot(), s.before);
  } finally {
    s.done();
  }
});

test('a crash at every host call during reset --cold: down still leaves the host as before up', async () => {
  let calls = 0;
  for (let k = 1; ; k++) {
    assert.ok(k < 100, 'reset --cold still changing the host after 100 calls: the loop would never end');
    const s = await upFakeLab(SEED_YAML, 'seed', { prefix: 'vlab-cold-' });
    try {
      await labSnapshotSave({ ...s.r, name: 'x' });
      let n = 0;
      const gate = s.fake as unknown as { gate: (m: string, mutating: boolean) => void };
      const orig = gate.gate.bind(s.fake);
      gate.gate = (m: string, mutating: boolean, ...rest: unknown[]) => {
        if (mutating && ++n === k) {
          s.fake.crash();
          throw new CrashError(`at call ${k}`);
        }
        (orig as (...a: unknown[]) => void)(m, mutating, ...rest);
      };
      const err = await labColdReset({ ...s.r, ...T }).then(
        () => undefined,
        (e: unknown) => e,
      );
      gate.gate = orig;
      s.fake.revive();
      const down = await labDown(s.r);
      assert.deepEqual(down.failed, [], `crash at call ${k}: ${JSON.stringify(down.failed)}`);
      assert.equal(s.fake.snapshot(), s.before, `crash at mutating call ${k} of reset --cold, then down`);
      if (!err) break;
      calls++;
    } finally {
      s.done();
    }
  }
  assert.ok(calls >= 6, `reset --cold makes several host changes (${calls})`);
});
