/** The ELF kernel inside a bzImage: the xz offsets (pure), and a real unpack of this machine's own Debian kernel. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { extractVmlinux, xzOffsets } from '../../../src/host/disks/vmlinux.js';
import { createRunner } from '../../../src/host/run.js';

test('xzOffsets finds every xz stream header, up to the limit', () => {
  const m = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
  const b = Buffer.from([1, 2, ...m, 9, ...m, 0, 0]);
  assert.deepEqual(xzOffsets(b), [2, 9]);
  assert.deepEqual(xzOffsets(b, 1), [2]);
  assert.deepEqual(xzOffsets(Buffer.from('no magic here')), []);
});

const kernels = fs.existsSync('/boot') ? fs.readdirSync('/boot').filter((n) => n.startsWith('vmlinuz-')) : [];
const readable = kernels.find((n) => {
  try {
    fs.accessSync(path.join('/boot', n), fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
});

test(
  "this machine's Debian bzImage unpacks to an ELF vmlinux; a file without a kernel gives false and leaves nothing",
  { skip: readable ? false : 'no readable /boot/vmlinuz-* here (linux-image-amd64, installed by scripts/bootstrap.sh)' },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-vmlinux-'));
    try {
      const { run } = createRunner();
      const out = path.join(dir, 'vmlinux');
      assert.equal(await extractVmlinux(run, path.join('/boot', readable!), out), true);
      assert.deepEqual([...fs.readFileSync(out).subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
      assert.ok(fs.statSync(out).size > fs.statSync(path.join('/boot', readable!)).size, 'larger than the compressed image');
      const junk = path.join(dir, 'junk');
      fs.writeFileSync(junk, 'not a kernel');
      assert.equal(await extractVmlinux(run, junk, path.join(dir, 'none')), false);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['junk', 'vmlinux']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
