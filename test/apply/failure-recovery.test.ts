/**
 * Every failing step is recoverable: for each lab and EVERY journal record k of its `up`, (a) the
 * change of record k fails, and (b) vlab "dies" right after writing record k (before making it).
 * Then, as a new process, either
 * - `down` must leave the fake host exactly as before `up`, with the lab's state folder gone; or
 * - `restore` must finish the lab (a new plan has nothing left to do), and `down` after it must
 *   leave the host as before `up`.
 * Runs the real core (src/lab), planner, apply and down; only the host is simulated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CrashError, FakeHost } from '../fakes/fake-host.js';
import { fakeLab, SEED_YAML, STACKS_YAML, UPLINK_YAML } from '../fakes/labs.js';
import { downOn, planOn, restoreOn, upOn } from '../fakes/run-lab.js';
import { labPaths } from '../../src/plan/paths.js';

const LABS = { seed: SEED_YAML, uplink: UPLINK_YAML, stacks: STACKS_YAML };
type Fault = 'fail' | 'crash';
type Recovery = 'down' | 'restore';

/** Lets work that was in flight when the "process died" run into the crashed fake and settle. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

/** Runs one case; returns how many records `up` wrote (so the caller knows every k). */
async function runCase(yaml: string, k: number, fault: Fault | undefined, recovery: Recovery = 'down'): Promise<{ records: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-fail-'));
  try {
    const root = path.join(dir, 'state');
    const { lab } = fakeLab(yaml, dir);
    const file = path.join(dir, 'vlab.yaml');
    const fake = new FakeHost();
    const before = fake.snapshot();
    const plan = await planOn(fake, file, root);
    assert.deepEqual(plan.conflicts, [], 'the lab plans without conflicts');
    let n = 0;
    let upError: unknown;
    await upOn(fake, file, root, () => {
      if (++n !== k) return;
      if (fault === 'fail') fake.failNext();
      if (fault === 'crash') {
        fake.crash();
        throw new CrashError(`after record ${k}`);
      }
    }).catch((e: unknown) => (upError = e));
    if (fault === 'crash') {
      await settle();
      assert.ok(upError instanceof CrashError, `up should have died at record ${k}`);
      fake.revive();
    }
    if (!fault) assert.equal(upError, undefined, `up without faults failed: ${String(upError)}`);
    if (recovery === 'restore') {
      await restoreOn(fake, lab.name, root);
      const again = await planOn(fake, file, root);
      assert.deepEqual(
        again.actions.filter((a) => !a.satisfied).map((a) => a.id),
        [],
        `after ${fault ?? 'no fault'} at record ${k} and restore, the lab is fully up`,
      );
    }
    const down = await downOn(fake, lab.name, root);
    assert.ok(down.wasUp, 'a state exists after up');
    assert.deepEqual(down.failed, [], `down failed: ${JSON.stringify(down.failed)}`);
    assert.equal(fake.snapshot(), before, `host differs after ${fault ?? 'no fault'} at record ${k} and down`);
    assert.equal(fs.existsSync(labPaths(root, lab.name).dir), false, 'the state folder is gone');
    return { records: n };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let cases = 0;
for (const [name, yaml] of Object.entries(LABS)) {
  test(`${name}: up then down leaves the host as it was; every record k failing or crashing is recovered by down, and by restore then down`, async (t) => {
    const { records } = await runCase(yaml, 0, undefined);
    assert.ok(records >= 5, `${name} journals ${records} records`);
    for (let k = 1; k <= records; k++) {
      for (const fault of ['fail', 'crash'] as const) {
        for (const recovery of ['down', 'restore'] as const) {
          await t.test(`${fault} at record ${k}/${records}, then ${recovery}`, async () => {
            await runCase(yaml, k, fault, recovery);
            cases++;
          });
        }
      }
    }
  });
}

test('every (lab, k, fault) case ran', () => {
  process.stdout.write(`# failure-recovery: ${cases} (lab, k, fault, recovery) cases over ${Object.keys(LABS).length} labs, all of them\n`);
  assert.ok(cases > 0);
});
