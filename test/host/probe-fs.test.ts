/** The probe's local ProbeFs: node:fs reads that answer undefined instead of throwing, PATH lookups, one-line reads per entry. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { LocalProbeFs } from '../../src/host/probe-fs.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-probe-fs-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const put = (p: string, text: string, mode = 0o644) => {
  fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
  fs.writeFileSync(path.join(root, p), text);
  fs.chmodSync(path.join(root, p), mode);
};

test('LocalProbeFs: read, exists, stat, readdir; a missing path is undefined or false, never an error', () => {
  put('etc/x', 'a\nb\n', 0o640);
  const f = new LocalProbeFs('');
  assert.equal(f.read(path.join(root, 'etc/x')), 'a\nb\n');
  assert.equal(f.read(path.join(root, 'none')), undefined);
  assert.equal(f.exists(path.join(root, 'etc')), true);
  assert.equal(f.exists(path.join(root, 'none')), false);
  const st = f.stat(path.join(root, 'etc/x'))!;
  assert.deepEqual([st.mode, st.type, st.uid], [0o640, 'file', process.getuid!()]);
  assert.equal(f.stat(path.join(root, 'etc'))!.type, 'dir');
  assert.equal(f.stat('/dev/null')!.type, 'char');
  assert.equal(f.stat(path.join(root, 'none')), undefined);
  assert.deepEqual(f.readdir(path.join(root, 'etc')), ['x']);
  assert.equal(f.readdir(path.join(root, 'none')), undefined);
  assert.ok((f.freeBytes(root) ?? 0) > 0);
  assert.equal(f.freeBytes(path.join(root, 'none')), undefined);
});

test('LocalProbeFs: readEach gives the first line of each entry, leaving out missing and empty ones', () => {
  put('proc/1/comm', 'init\n');
  put('proc/22/comm', 'firewalld\nsecond line\n');
  put('proc/33/comm', '');
  fs.mkdirSync(path.join(root, 'proc/44'), { recursive: true });
  put('proc/meminfo', 'x');
  const f = new LocalProbeFs('');
  assert.deepEqual(f.readEach(path.join(root, 'proc'), 'comm'), { '1': 'init', '22': 'firewalld' });
  assert.deepEqual(f.readEach(path.join(root, 'nothing'), 'comm'), {});
});

test('LocalProbeFs: which finds the first executable regular file along PATH', () => {
  put('bin1/tool', '#!/bin/sh\n', 0o644);
  put('bin2/tool', '#!/bin/sh\n', 0o755);
  fs.mkdirSync(path.join(root, 'bin1/dir'), { recursive: true });
  const f = new LocalProbeFs(`${path.join(root, 'bin1')}:${path.join(root, 'bin2')}`);
  assert.deepEqual(f.which(['tool', 'dir', 'none']), { tool: path.join(root, 'bin2/tool'), dir: null, none: null });
});
