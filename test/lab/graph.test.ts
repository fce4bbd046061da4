/**
 * `graph` in the core against the fake Host: the lab file alone (no host call at all), or an up
 * lab with its domain states and the last verify, which labVerify keeps in verify.json; reading
 * only. And the command's edges: -o into a missing folder is a usage error (exit 2), not a bug.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { FakeHost } from '../fakes/fake-host.js';
import { fakeLab, SEED_YAML, UPLINK_YAML } from '../fakes/labs.js';
import { downOn, planOn, upOn } from '../fakes/run-lab.js';
import { requireState } from '../../src/lab/state.js';
import { labVerify } from '../../src/lab/verify.js';
import { DEFAULT_STDOUT_FORMAT, graphFormat, labGraph } from '../../src/lab/graph.js';
import { writeOutputFile } from '../../src/lab/output-file.js';
import { toJson } from '../../src/verify/report-json.js';
import type { CheckEdge, GuestNode, Topology } from '../../src/render/topology/model.js';
import { UsageError } from '../../src/errors.js';

const BIN = fileURLToPath(new URL('../../bin/vlab.js', import.meta.url));

function tmp(): { dir: string; root: string; file: string; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-graph-'));
  return { dir, root: path.join(dir, 'state'), file: path.join(dir, 'vlab.yaml'), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function upSeed() {
  const t = tmp();
  fakeLab(SEED_YAML, t.dir);
  const fake = new FakeHost();
  await planOn(fake, t.file, t.root);
  await upOn(fake, t.file, t.root);
  return { ...t, fake };
}

async function json(req: Parameters<typeof labGraph>[0]): Promise<Topology> {
  return JSON.parse((await labGraph({ ...req, format: 'json' })).text) as Topology;
}

test('a lab that is not up is drawn from its lab file, without asking the host anything', async () => {
  const t = tmp();
  try {
    fakeLab(UPLINK_YAML, t.dir);
    const fake = new FakeHost();
    fake.crash(); // every host call would throw
    const r = await labGraph({ lab: 'lan', file: t.file, host: fake.host, root: t.root, format: 'mermaid' });
    assert.equal(r.source, 'file');
    assert.match(r.text, /^flowchart LR$/m);
    assert.match(r.text, /lan_eth0\[\["physical LAN<br>via eth0"\]\]/);
    assert.deepEqual(r.notes, []);
  } finally {
    t.done();
  }
});

test('a lab named but not up: drawn from the lab file when it is that lab, else a usage error saying why', async () => {
  const t = tmp();
  try {
    fakeLab(SEED_YAML, t.dir);
    const host = new FakeHost().host;
    assert.equal((await labGraph({ lab: 'seed', named: true, file: t.file, host, root: t.root, format: 'dot' })).source, 'file');
    await assert.rejects(
      labGraph({ lab: 'other', named: true, file: t.file, host, root: t.root, format: 'dot' }),
      (e: unknown) => e instanceof UsageError && /lab 'other' is not up, and it is not the lab in .*vlab\.yaml \(that is lab 'seed'\)/.test(e.message) && !!e.hint,
    );
    await assert.rejects(
      labGraph({ lab: 'other', named: true, file: path.join(t.dir, 'none.yaml'), host, root: t.root, format: 'dot' }),
      (e: unknown) => e instanceof UsageError && /lab 'other' is not up, and there is no lab file to draw it from/.test(e.message),
    );
  } finally {
    t.done();
  }
});

test('the format: --format, else the -o name, else mermaid; unknown ones are usage errors with the way out', () => {
  assert.equal(graphFormat({}), DEFAULT_STDOUT_FORMAT);
  assert.equal(DEFAULT_STDOUT_FORMAT, 'mermaid');
  assert.equal(graphFormat({ output: 'x/lab.SVG' }), 'svg');
  assert.equal(graphFormat({ output: 'lab.html' }), 'html');
  assert.equal(graphFormat({ format: 'dot', output: 'lab.html' }), 'dot');
  assert.throws(
    () => graphFormat({ format: 'png' }),
    (e: unknown) => e instanceof UsageError && /unknown graph format 'png'/.test(e.message) && /svg, html, dot, mermaid, json/.test(e.hint!),
  );
  assert.throws(
    () => graphFormat({ output: 'lab.png' }),
    (e: unknown) => e instanceof UsageError && /cannot tell the format/.test(e.message) && /--format/.test(e.hint!),
  );
});

test('verify keeps its outcome in the state dir (atomically), graph colours the up lab with it and the domain states; down removes it', async () => {
  const s = await upSeed();
  try {
    const { state, store } = requireState(s.root, 'seed');
    const v = await labVerify({ lab: state.spec, host: s.fake.host, journal: state.entries, pingTimeoutSec: 1, root: s.root });
    const kept = JSON.parse(fs.readFileSync(store.paths.verify, 'utf8')) as unknown;
    assert.deepEqual(kept, toJson(state.spec, v.results), 'verify.json is the `verify --json` document');
    assert.deepEqual(
      fs.readdirSync(store.paths.dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp file left',
    );
    assert.equal(fs.statSync(store.paths.verify).mode & 0o777, 0o600);

    await s.fake.host.libvirt.destroyDomain('vlab-seed-db');
    const calls = s.fake.calls.length;
    const before = s.fake.snapshot();
    const t = await json({ lab: 'seed', file: s.file, host: s.fake.host, root: s.root, format: 'json' });
    assert.equal(s.fake.calls.length, calls, 'graph changes nothing on the host');
    assert.equal(s.fake.snapshot(), before);
    assert.equal(t.source, 'live');
    const guests = t.nodes.filter((n): n is GuestNode => n.kind === 'guest');
    assert.deepEqual(
      guests.map((g) => [g.name, g.state, g.status]),
      [
        ['web', 'running', 'running'],
        ['db', 'shut off', 'shut off'],
      ],
    );
    const checks = t.edges.filter((e): e is CheckEdge => e.kind === 'check');
    assert.equal(checks.length, v.results.length);
    assert.deepEqual(
      checks.map((c) => c.ok),
      v.results.map((r) => r.ok),
    );
    assert.equal(t.verify?.total, v.results.length);
    assert.match(t.verify?.at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const fileOnly = await json({ lab: 'seed', file: s.file, fileOnly: true, host: s.fake.host, root: s.root, format: 'json' });
    assert.equal(fileOnly.source, 'file');
    assert.equal(fileOnly.verify, null);

    await downOn(s.fake, 'seed', s.root);
    assert.equal(fs.existsSync(store.paths.verify), false, 'down removes verify.json with the state dir');
  } finally {
    s.done();
  }
});

test('an up lab never verified is drawn without checks; an unreadable verify.json is left out with a note', async () => {
  const s = await upSeed();
  try {
    const { store } = requireState(s.root, 'seed');
    const req = { lab: 'seed', file: s.file, host: s.fake.host, root: s.root, format: 'dot' as const };
    const never = await labGraph(req);
    assert.match(never.text, /lab seed \(up; not verified yet\)/);
    assert.doesNotMatch(never.text, /constraint/);
    fs.writeFileSync(store.paths.verify, '{ not json');
    const bad = await labGraph(req);
    assert.doesNotMatch(bad.text, /constraint/);
    assert.equal(bad.notes.length, 1);
    assert.match(bad.notes[0]!, /the last verify is left out: .*verify\.json is not a vlab verify document/);
    // A hand-written outcome with one failure: a green and a red check edge.
    const checks = [
      { from: 'web', to: 'db', address: '172.16.0.3', expect: 'reachable', reachable: true, ok: true, sent: 2, received: 2, rttMs: null, reason: null },
      { from: 'db', to: 'gateway:isolation', address: '172.16.0.1', expect: 'reachable', reachable: false, ok: false, sent: 2, received: 0, rttMs: null, reason: 'no reply' },
    ];
    fs.writeFileSync(store.paths.verify, JSON.stringify({ lab: 'seed', ok: false, checks, summary: { total: 2, passed: 1, failed: 1 } }));
    const good = await labGraph(req);
    assert.deepEqual(good.notes, []);
    assert.match(good.text, /"guest:web" -> "guest:db" \[xlabel="172\.16\.0\.3 ping ok", color="#2e7d32"/);
    assert.match(good.text, /"guest:db" -> "net:isolation" \[xlabel="172\.16\.0\.1 FAIL: no reply", color="#c62828"/);
    assert.match(good.text, /1 of 2 passed/);
  } finally {
    s.done();
  }
});

test('-o FILE: written atomically (0644, no temp file); a missing folder, a file for a folder or a folder as the file are usage errors', () => {
  const t = tmp();
  try {
    const out = path.join(t.dir, 'lab.svg');
    writeOutputFile(out, '<svg/>\n');
    assert.equal(fs.readFileSync(out, 'utf8'), '<svg/>\n');
    assert.equal(fs.statSync(out).mode & 0o777, 0o644);
    writeOutputFile(out, '<svg></svg>\n');
    assert.equal(fs.readFileSync(out, 'utf8'), '<svg></svg>\n');
    assert.deepEqual(fs.readdirSync(t.dir), ['lab.svg']);
    const usage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message) && !!e.hint;
    assert.throws(() => writeOutputFile(path.join(t.dir, 'no', 'such', 'x.svg'), ''), usage(/the folder .*no\/such does not exist/));
    assert.throws(() => writeOutputFile(path.join(out, 'x.svg'), ''), usage(/lab\.svg is not a folder/));
    assert.throws(() => writeOutputFile(t.dir, ''), usage(/it is a folder/));
  } finally {
    t.done();
  }
});

test('vlab graph (the command): -o in a missing folder exits 2 with the fix and no trace; -o x.html writes the page', { timeout: 60_000 }, async () => {
  const t = tmp();
  try {
    fakeLab(SEED_YAML, t.dir);
    const env = { VLAB_STATE_DIR: t.root, NO_COLOR: '1' };
    const bad = await execa('node', [BIN, '-f', t.file, 'graph', '-o', path.join(t.dir, 'missing', 'x.svg')], { reject: false, env });
    assert.equal(bad.exitCode, 2, bad.stderr);
    assert.match(bad.stderr, /^error: cannot write .*x\.svg: the folder .*missing does not exist\n {2}fix: /);
    assert.doesNotMatch(bad.stderr, /vlab bug|at .*\.ts:\d+/);
    const out = path.join(t.dir, 'seed.html');
    const ok = await execa('node', [BIN, '-f', t.file, 'graph', '-o', out], { reject: false, env });
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.match(ok.stdout, /^Wrote .*seed\.html \(html, lab 'seed' from the lab file\)\.$/m);
    assert.match(fs.readFileSync(out, 'utf8'), /^<!doctype html>[\s\S]*<svg\b[\s\S]*<\/html>\n$/);
    const stdout = await execa('node', [BIN, '-f', t.file, 'graph', '--format', 'dot'], { reject: false, env });
    assert.equal(stdout.exitCode, 0, stdout.stderr);
    assert.match(stdout.stdout, /^digraph "vlab-seed" \{/);
  } finally {
    t.done();
  }
});
