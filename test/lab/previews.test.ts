/** The --dry-run previews of down, persist and restore, against the fake Host: what they list, in plan format, and that nothing changes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeHost, plainState } from '../fakes/fake-host.js';
import { fakeLab, SEED_YAML } from '../fakes/labs.js';
import { planOn, upOn } from '../fakes/run-lab.js';
import { labDown, labDownPreview } from '../../src/lab/down.js';
import { labPersistPreview } from '../../src/lab/persist.js';
import { labRestorePlan } from '../../src/lab/restore.js';
import { formatPlan } from '../../src/cli/format-plan.js';
import { undoOrder } from '../../src/apply/down.js';
import { requireState } from '../../src/lab/state.js';
import { assertGolden } from '../golden/helpers.js';

async function upSeed() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-preview-'));
  const root = path.join(dir, 'state');
  fakeLab(SEED_YAML, dir);
  const file = path.join(dir, 'vlab.yaml');
  const fake = new FakeHost();
  await planOn(fake, file, root);
  await upOn(fake, file, root);
  return { dir, root, fake, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('down --dry-run: every journal entry in the order down undoes it, as a plan; nothing is read from or changed on the host', async () => {
  const s = await upSeed();
  try {
    const snap = s.fake.snapshot();
    const calls = s.fake.calls.length;
    const plan = labDownPreview({ lab: 'seed', root: s.root })!;
    const { state } = requireState(s.root, 'seed');
    assert.deepEqual(
      plan.actions.map((a) => a.id),
      undoOrder(state.entries).map((e) => e.id),
    );
    assert.equal(plan.actions.length, state.entries.length);
    assert.equal(s.fake.snapshot(), snap);
    assert.equal(s.fake.calls.length, calls);
    const text = formatPlan(plan, { verbose: false, title: "Down preview for lab 'seed':", summary: (n) => `${n} to undo.` }).replaceAll(s.dir, 'TMP');
    assertGolden('preview/down-seed.txt', text + '\n');
    // And down itself undoes exactly those, in that order.
    const down = await labDown({ lab: 'seed', host: s.fake.host, root: s.root });
    assert.deepEqual(down.failed, []);
    assert.equal(labDownPreview({ lab: 'seed', root: s.root }), undefined, 'not up: nothing to preview');
  } finally {
    s.done();
  }
});

test('persist --dry-run: the files it would write with their content, the autostart marks, and no change', async () => {
  const s = await upSeed();
  try {
    const snap = s.fake.snapshot();
    const plan = labPersistPreview({ lab: 'seed', host: s.fake.host, root: s.root, mode: 'systemd' });
    const files = plan.actions.filter((a) => a.details.kind === 'persist.file').map((a) => a.target);
    assert.deepEqual(files, ['/etc/systemd/system/vlab-seed.service', '/etc/systemd/system/multi-user.target.wants/vlab-seed.service']);
    assert.ok(plan.actions.some((a) => a.kind === 'persist.autostart'));
    const verbose = formatPlan(plan, { verbose: true });
    assert.match(verbose, /--- \/etc\/systemd\/system\/vlab-seed\.service \(mode 644\)/);
    assert.match(verbose, /\| ExecStart=.* restore seed/);
    assert.equal(s.fake.snapshot(), snap);
    assert.equal(fs.existsSync('/etc/systemd/system/vlab-seed.service'), false);
    assert.equal(requireState(s.root, 'seed').state.persist, undefined, 'the state does not say persisted');
  } finally {
    await labDown({ lab: 'seed', host: s.fake.host, root: s.root });
    s.done();
  }
});

test('restore --dry-run: the plan of the lab as recorded (everything in place right after up)', async () => {
  const s = await upSeed();
  try {
    const plan = await labRestorePlan({ lab: 'seed', host: s.fake.host, root: s.root });
    assert.equal(plan.lab, 'seed');
    assert.ok(plan.actions.length > 0);
    s.fake.reboot(plainState());
    const after = await labRestorePlan({ lab: 'seed', host: s.fake.host, root: s.root });
    const todo = after.actions.filter((a) => !a.satisfied).map((a) => a.kind);
    assert.ok(todo.includes('bridge.create') && todo.includes('domain.start'), todo.join(', '));
  } finally {
    await labDown({ lab: 'seed', host: s.fake.host, root: s.root });
    s.done();
  }
});
