/** The core (src/lab) against the fake Host: what each function returns, and what it leaves behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeHost, plainState } from '../fakes/fake-host.js';
import { fakeLab, SEED_YAML } from '../fakes/labs.js';
import { planOn } from '../fakes/run-lab.js';
import { loadLabFile, recordedLab } from '../../src/lab/lab-file.js';
import { labUp } from '../../src/lab/up.js';
import { labDown } from '../../src/lab/down.js';
import { labRestore } from '../../src/lab/restore.js';
import { labList, labStatus } from '../../src/lab/status.js';
import { requireState } from '../../src/lab/state.js';
import type { LabEvent } from '../../src/apply/progress.js';
import { HostError, UsageError } from '../../src/errors.js';

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-core-'));
  const root = path.join(dir, 'state');
  const { lab } = fakeLab(SEED_YAML, dir);
  const file = path.join(dir, 'vlab.yaml');
  const fake = new FakeHost();
  return { dir, root, lab, file, fake, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const T = { readyTimeoutSec: 5, uplinkTimeoutSec: 5 };

test('labUp builds the lab and reports phases as events; a second labUp is up to date; labDown restores the host; a second labDown does nothing', async () => {
  const s = setup();
  try {
    const before = s.fake.snapshot();
    await planOn(s.fake, s.file, s.root);
    const events: LabEvent[] = [];
    const up = await labUp({ loaded: loadLabFile(s.file), host: s.fake.host, root: s.root, ...T, onEvent: (e) => events.push(e) });
    assert.equal(up.upToDate, false);
    assert.equal(up.lab, 'seed');
    assert.ok(up.report && up.report.changed > 0);
    assert.deepEqual(
      up.report.ready.map((r) => r.guest),
      ['web', 'db'],
    );
    const phases = events.filter((e) => e.type === 'phase').map((e) => (e as { title: string }).title);
    assert.equal(phases[0], 'Reading the host');
    assert.ok(phases.includes('Guests ready'), phases.join(', '));
    assert.equal(events.filter((e) => e.type === 'done').length, phases.length, 'every phase ends');
    const again = await labUp({ loaded: loadLabFile(s.file), host: s.fake.host, root: s.root, ...T });
    assert.equal(again.upToDate, true);
    assert.equal(again.report, undefined);
    const down = await labDown({ lab: 'seed', host: s.fake.host, root: s.root });
    assert.equal(down.wasUp, true);
    assert.deepEqual(down.failed, []);
    assert.equal(s.fake.snapshot(), before);
    assert.deepEqual(await labDown({ lab: 'seed', host: s.fake.host, root: s.root }), { lab: 'seed', wasUp: false, undone: [], failed: [] });
  } finally {
    s.done();
  }
});

test('labStatus sees the host side go after a reboot; labRestore brings it back from the state alone, without the lab file', async () => {
  const s = setup();
  try {
    await planOn(s.fake, s.file, s.root);
    await labUp({ loaded: loadLabFile(s.file), host: s.fake.host, root: s.root, ...T });
    const up = await labStatus({ lab: 'seed', host: s.fake.host, root: s.root });
    assert.equal(up.hostSideInPlace, true);
    assert.deepEqual(
      up.guests.map((g) => [g.name, g.state]),
      [
        ['web', 'running'],
        ['db', 'running'],
      ],
    );
    assert.equal(up.networks[0]?.bridge, 'isolationbr');
    s.fake.reboot(plainState());
    fs.rmSync(s.file);
    const after = await labStatus({ lab: 'seed', host: s.fake.host, root: s.root });
    assert.equal(after.hostSideInPlace, false);
    assert.equal(after.networks[0]?.bridgePresent, false);
    const restored = await labRestore({ lab: 'seed', host: s.fake.host, root: s.root, ...T });
    assert.equal(restored.upToDate, false);
    assert.equal((await labStatus({ lab: 'seed', host: s.fake.host, root: s.root })).hostSideInPlace, true);
    assert.deepEqual((await labDown({ lab: 'seed', host: s.fake.host, root: s.root })).failed, []);
  } finally {
    s.done();
  }
});

test('labUp refuses a change it cannot apply in place, before touching the host', async () => {
  const s = setup();
  try {
    await planOn(s.fake, s.file, s.root);
    await labUp({ loaded: loadLabFile(s.file), host: s.fake.host, root: s.root, ...T });
    const snap = s.fake.snapshot();
    fs.writeFileSync(s.file, fs.readFileSync(s.file, 'utf8').replace('172.16.0.0/16', '172.17.0.0/16').replace('172.16.0.1', '172.17.0.1').replaceAll('172.16.0.', '172.17.0.'));
    await assert.rejects(
      labUp({ loaded: loadLabFile(s.file), host: s.fake.host, root: s.root, ...T }),
      (e: unknown) => e instanceof UsageError && /cannot apply in place/.test(e.message),
    );
    assert.equal(s.fake.snapshot(), snap);
    await labDown({ lab: 'seed', host: s.fake.host, root: s.root });
  } finally {
    s.done();
  }
});

test('labList lists each lab, and a lab whose state is corrupt with its error and way out; requireState says a lab is not up', async () => {
  const s = setup();
  try {
    await planOn(s.fake, s.file, s.root);
    await labUp({ loaded: loadLabFile(s.file), host: s.fake.host, root: s.root, ...T });
    fs.mkdirSync(path.join(s.root, 'broken'));
    fs.writeFileSync(path.join(s.root, 'broken', 'state.json'), '{not json');
    const list = labList(s.root);
    const seed = list.find((l) => l.name === 'seed');
    assert.deepEqual(seed?.guests, ['web', 'db']);
    assert.equal(seed?.error, undefined);
    const broken = list.find((l) => l.name === 'broken');
    assert.ok(broken?.error, JSON.stringify(list));
    assert.match(broken.error.message, /state\.json/);
    assert.throws(
      () => requireState(s.root, 'nope'),
      (e: unknown) => e instanceof HostError && /not up/.test(e.message),
    );
    const { state } = requireState(s.root, 'seed');
    assert.equal(recordedLab(state).lab.name, 'seed');
    assert.deepEqual(recordedLab(state).declaredImages, ['tiny']);
    await labDown({ lab: 'seed', host: s.fake.host, root: s.root });
  } finally {
    s.done();
  }
});

test("loadLabFile: a missing file is the user's to fix", () => {
  assert.throws(
    () => loadLabFile('/nonexistent/vlab.yaml'),
    (e: unknown) => e instanceof UsageError && /does not exist/.test(e.message) && /vlab init/.test(e.hint ?? ''),
  );
});
