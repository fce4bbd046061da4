/** Snapshots and reset in the core, against the fake Host: journaled, refused when they must be, undone by down even after a crash. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashError } from '../fakes/fake-host.js';
import { SEED_YAML } from '../fakes/labs.js';
import { upFakeLab } from '../fakes/run-lab.js';
import { labDown } from '../../src/lab/down.js';
import { checkSnapshotName, labSnapshotList, labSnapshotRemove, labSnapshotRestore, labSnapshotSave } from '../../src/lab/snapshot.js';
import { labReset } from '../../src/lab/reset.js';
import { requireState } from '../../src/lab/state.js';
import { HostError, UsageError } from '../../src/errors.js';

const T = { readyTimeoutSec: 5, uplinkTimeoutSec: 5 };

test('up takes the ready checkpoint as its own phase; reset goes back to it; down deletes every snapshot before the domains', async () => {
  const s = await upFakeLab(SEED_YAML, 'seed', { prefix: 'vlab-snap-' });
  try {
    assert.ok(s.up.report?.phases.some((p) => p.title === 'Checkpoint ready'));
    assert.deepEqual(s.fake.state.domains['vlab-seed-web']?.snapshots, ['ready']);
    const r = await labReset({ ...s.r, ...T });
    assert.deepEqual(r.guests, ['web', 'db']);
    assert.deepEqual(r.repaired, []);
    assert.equal(r.ready.length, 2);
    assert.deepEqual(r.clocks, { web: 'agent', db: 'agent' });
    await labSnapshotSave({ ...s.r, name: 'b' });
    assert.deepEqual(
      (await labSnapshotList(s.r)).map((x) => x.name),
      ['ready', 'b'],
    );
    const down = await labDown(s.r);
    assert.deepEqual(down.failed, []);
    assert.ok(
      down.undone.some((l) => /snapshot b: deleted from web, db/.test(l)),
      down.undone.join('\n'),
    );
    assert.equal(s.fake.snapshot(), s.before);
  } finally {
    s.done();
  }
});

test('reset repairs a deleted bridge first and only restores the guests named', async () => {
  const s = await upFakeLab(SEED_YAML, 'seed', { prefix: 'vlab-snap-' });
  try {
    const taps = s.fake.state.links.filter((l) => l.master === 'isolationbr').map((l) => l.name);
    assert.equal(taps.length, 2, 'each guest has a tap on the bridge');
    await s.fake.host.ip.deleteLink('isolationbr'); // the kernel releases the taps with it
    const r = await labReset({ ...s.r, ...T, guests: ['db'] });
    assert.deepEqual(r.guests, ['db']);
    assert.equal(r.repaired.length, 2, r.repaired.join('\n'));
    assert.ok(s.fake.state.links.some((l) => l.name === 'isolationbr'));
    assert.equal(r.reattached.length, 2, r.reattached.join('\n'));
    for (const t of taps) assert.equal(s.fake.state.links.find((l) => l.name === t)?.master, 'isolationbr', `${t} is on the bridge again`);
    await assert.rejects(labReset({ ...s.r, ...T, guests: ['nope'] }), (e: unknown) => e instanceof UsageError && /no guest 'nope'/.test(e.message));
    await labDown(s.r);
    assert.equal(s.fake.snapshot(), s.before);
  } finally {
    s.done();
  }
});

test('refusals: an existing name without --force, bad names, reset without a checkpoint, a snapshot of a changed lab', async () => {
  for (const bad of ['../x', 'a/b', 'x'.repeat(65), '', '-x', 'a..b']) assert.throws(() => checkSnapshotName(bad), UsageError, bad);
  checkSnapshotName('before-upgrade_2.1');
  const s = await upFakeLab(SEED_YAML, 'seed', { checkpoint: false, prefix: 'vlab-snap-' });
  try {
    await assert.rejects(labReset({ ...s.r, ...T }), (e: unknown) => e instanceof HostError && /no `ready` checkpoint/.test(e.message) && /snapshot/.test(e.hint ?? ''));
    await labSnapshotSave({ ...s.r, name: 'a' });
    await assert.rejects(labSnapshotSave({ ...s.r, name: 'a' }), (e: unknown) => e instanceof UsageError && /--force/.test(e.hint ?? ''));
    await labSnapshotSave({ ...s.r, name: 'a', force: true });
    await assert.rejects(labSnapshotRestore({ ...s.r, ...T, name: 'zz' }), (e: unknown) => e instanceof UsageError && /its snapshots: a/.test(e.hint ?? ''));
    // The lab as recorded loses a guest: the snapshot no longer fits it.
    const { store, state } = requireState(s.root, 'seed');
    state.spec = { ...state.spec, guests: state.spec.guests.filter((g) => g.name !== 'db') };
    store.save(state);
    await assert.rejects(labSnapshotRestore({ ...s.r, ...T, name: 'a' }), (e: unknown) => e instanceof UsageError && /cannot be restored into the changed lab/.test(e.message));
    await labSnapshotRemove({ ...s.r, name: 'a' });
    assert.deepEqual(await labSnapshotList(s.r), []);
  } finally {
    s.done();
  }
});

for (const during of ['save', 'restore'] as const) {
  test(`a crash at every host call during snapshot ${during}: down still leaves the host as before up`, async () => {
    let calls = 0;
    for (let k = 1; ; k++) {
      assert.ok(k < 100, `${during} still changing the host after 100 calls: the loop would never end`);
      const s = await upFakeLab(SEED_YAML, 'seed', { prefix: 'vlab-snap-' });
      try {
        if (during === 'restore') await labSnapshotSave({ ...s.r, name: 'x' });
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
        const work = during === 'save' ? labSnapshotSave({ ...s.r, name: 'x', force: true }) : labSnapshotRestore({ ...s.r, ...T, name: 'x' });
        const err = await work.then(
          () => undefined,
          (e: unknown) => e,
        );
        gate.gate = orig;
        s.fake.revive();
        const down = await labDown(s.r);
        assert.deepEqual(down.failed, [], `crash at call ${k}: ${JSON.stringify(down.failed)}`);
        assert.equal(s.fake.snapshot(), s.before, `crash at mutating call ${k} of ${during}, then down`);
        if (!err) break; // k passed the last mutating call: every one was covered
        calls++;
      } finally {
        s.done();
      }
    }
    assert.ok(calls >= 3, `${during} makes several host changes (${calls})`);
  });
}
