/**
 * A JSON-error golden per command: with --json, a failure prints one document on stdout,
 * `{ ok: false, error: { kind, message, fix }, problems }`, with the same exit code as without.
 * Temp paths are shown as <tmp>. Update with `npm run golden:update`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COMMANDS } from '../../src/cli/help.js';
import { world, limited } from '../cli/run-cli.js';
import { assertGolden } from './helpers.js';

const w = world('vlab-json-');
const lab = path.join(w.dir, 'vlab.yaml');
fs.writeFileSync(lab, 'name: seed\nnetworks: {}\nguests: {}\n');
const broken = path.join(w.dir, 'broken.yaml');
fs.writeFileSync(broken, 'name: Seed\nnetworks:\n  lan: { cidr: 10.0.0.1/24 }\nguests:\n  web: { imgae: tiny, interfaces: [ { network: lna } ] }\n');

/** Each command, failing the way a user makes it fail. */
const CASES: Record<string, string[]> = {
  init: ['-f', lab, 'init', '--json'],
  validate: ['-f', broken, 'validate', '--json'],
  plan: ['-f', 'missing/vlab.yaml', 'plan', '--json'],
  up: ['-f', 'missing/vlab.yaml', 'up', '--json'],
  verify: ['verify', 'ghost', '--json'],
  reset: ['--lab', 'ghost', 'reset', '--json'],
  snapshot: ['--lab', 'ghost', 'snapshot', 'ls', '--json'],
  doctor: ['-f', 'missing/vlab.yaml', 'doctor', '--json'],
  down: ['down', 'ghost', '--dry-run', '--sweep', '--json'],
  status: ['status', 'ghost', '--json'],
  ls: ['--lab', 'ghost', 'ls', '--json'],
  exec: ['--lab', 'ghost', 'exec', '--json', 'web', 'ls', '-la'],
  ssh: ['ssh', '--json', '--lab', 'ghost', 'web'],
  'ssh-config': ['ssh-config', 'ghost', '--json'],
  console: ['--lab', 'ghost', 'console', 'web', '--log', '--json'],
  image: ['image', 'build', 'nope', '--json'],
  persist: ['persist', 'ghost', '--mode', 'yaml', '--json'],
  unpersist: ['unpersist', 'ghost', '--json'],
  restore: ['restore', 'ghost', '--timeout', '0', '--json'],
  cache: ['--lab', 'ghost', 'cache', 'ls', '--json'],
  completion: ['completion', 'tcsh', '--json'],
  graph: ['-f', 'missing/vlab.yaml', 'graph', '--json'],
  test: ['test', 'missing/vlab.yaml', '--json'],
};

test('every command has a JSON-error case', () => {
  assert.deepEqual(Object.keys(CASES).sort(), COMMANDS.filter((c) => !c.hidden).map((c) => c.name).sort());
});

test('with --json every command prints { ok: false, error: { kind, message, fix }, problems } and exits as without it', async () => {
  try {
    const names = Object.keys(CASES);
    const results = await limited(names.map((n) => async () => ({ json: await w.run(CASES[n]!), plain: await w.run(CASES[n]!.filter((a) => a !== '--json')) })));
    names.forEach((name, i) => {
      const { json, plain } = results[i]!;
      assert.notEqual(json.exitCode, 0, `${name}: ${json.stdout}${json.stderr}`);
      assert.notEqual(json.exitCode, 70, `${name}: ${json.stderr}`);
      if (name !== 'ssh' && name !== 'completion') assert.equal(json.exitCode, plain.exitCode, `${name}: the same exit code with and without --json`);
      const doc = JSON.parse(json.stdout) as { ok: boolean; error: { kind: string; message: string; fix: string }; problems: unknown[] };
      assert.equal(doc.ok, false);
      assert.ok(doc.error.kind && doc.error.message && doc.error.fix, `${name}: ${json.stdout}`);
      assertGolden(`json-errors/${name}.json`, json.stdout.replaceAll(w.dir, '<tmp>').replaceAll(fs.realpathSync(w.dir), '<tmp>'));
    });
  } finally {
    w.done();
  }
});
