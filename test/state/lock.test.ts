/** The per-lab lock: exclusive, taken over from a dead process, released without leaking exit listeners. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { acquireLock } from '../../src/state/lock.js';
import { LockedError } from '../../src/errors.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-lock-'));

test('the lock file holds our pid; release removes it and its exit listener', () => {
  const file = path.join(tmp(), '.seed.lock');
  const listeners = process.listenerCount('exit');
  const release = acquireLock(file, 'seed');
  assert.equal(fs.readFileSync(file, 'utf8').trim(), String(process.pid));
  assert.equal(process.listenerCount('exit'), listeners + 1);
  release();
  release(); // twice is harmless
  assert.equal(fs.existsSync(file), false);
  assert.equal(process.listenerCount('exit'), listeners);
});

test('a live other process holds it: LockedError naming the pid; a dead one: taken over', () => {
  const file = path.join(tmp(), '.seed.lock');
  fs.writeFileSync(file, '1\n'); // pid 1 is alive
  assert.throws(
    () => acquireLock(file, 'seed'),
    (e: unknown) => e instanceof LockedError && /\b1\b/.test(e.message),
  );
  const dead = Number(execFileSync(process.execPath, ['-e', 'console.log(process.pid)']).toString().trim());
  fs.writeFileSync(file, `${dead}\n`);
  const release = acquireLock(file, 'seed');
  assert.equal(fs.readFileSync(file, 'utf8').trim(), String(process.pid));
  release();
});
