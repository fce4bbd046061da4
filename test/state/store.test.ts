import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLabSummaries, StateStore, summaryOf, type LabState } from '../../src/state/store.js';
import { labPaths } from '../../src/plan/paths.js';
import { HostError } from '../../src/errors.js';
import type { Lab } from '../../src/spec/types.js';

let root = '';
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-store-'));
  const lab = (name: string, content: string) => {
    fs.mkdirSync(path.join(root, name), { recursive: true });
    fs.writeFileSync(path.join(root, name, 'lab.json'), content);
  };
  lab('self', JSON.stringify({ name: 'self', cidrs: ['10.0.0.0/24'], bridges: ['b0'], needsForwarding: true }));
  lab('other', JSON.stringify({ name: 'other', cidrs: ['172.16.0.0/16', 7], bridges: ['vlab-o-lan'], needsForwarding: true, extra: 1 }));
  lab('partial', JSON.stringify({ cidrs: ['192.168.9.0/24'] }));
  lab('broken', '{not json');
  fs.mkdirSync(path.join(root, 'nolabjson'));
  fs.writeFileSync(path.join(root, '.self.lock'), '');
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const spec = { name: 'seed', networks: [{ name: 'isolation', bridge: 'isolationbr', cidr: '172.16.0.0/16', nat: true }], guests: [], images: [] } as unknown as Lab;
const state = (): LabState => ({ version: 1, lab: 'seed', labFile: '/x/vlab.yaml', accel: 'tcg', createdAt: 'a', updatedAt: 'b', spec, entries: [] });

test('readLabSummaries: tolerant, skips this lab and unreadable files', () => {
  assert.deepEqual(readLabSummaries(root, 'self'), [
    { name: 'other', cidrs: ['172.16.0.0/16'], bridges: ['vlab-o-lan'], needsForwarding: true },
    { name: 'partial', cidrs: ['192.168.9.0/24'], bridges: [], needsForwarding: false },
  ]);
  assert.deepEqual(readLabSummaries(path.join(root, 'missing'), 'self'), []);
});

test('save writes lab.json that readLabSummaries reads back (one writer, one reader)', () => {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-store-'));
  try {
    new StateStore(labPaths(r, 'seed')).save(state());
    assert.deepEqual(readLabSummaries(r), [summaryOf(state())]);
    assert.deepEqual(readLabSummaries(r)[0], { name: 'seed', cidrs: ['172.16.0.0/16'], bridges: ['isolationbr'], needsForwarding: true });
    assert.equal(new StateStore(labPaths(r, 'seed')).load()?.lab, 'seed');
  } finally {
    fs.rmSync(r, { recursive: true, force: true });
  }
});

test('load: no state is undefined; a corrupt or foreign state file is a HostError with the way out', () => {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-store-'));
  try {
    const store = new StateStore(labPaths(r, 'seed'));
    assert.equal(store.load(), undefined);
    fs.mkdirSync(store.paths.dir);
    for (const content of ['{"version": 1, "lab": "se', '[]', '{"version": 2}']) {
      fs.writeFileSync(store.paths.state, content);
      assert.throws(
        () => store.load(),
        (e: unknown) => e instanceof HostError && /state file of lab 'seed'/.test(e.message) && /--sweep/.test(e.hint ?? ''),
      );
    }
  } finally {
    fs.rmSync(r, { recursive: true, force: true });
  }
});
