/** `boot: kernel` files: copied out once per image identity into the cache folder, atomically, with an error instead of a throw. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ensureImageKernel } from '../../src/host/boot-files.js';
import type { ImageInspection } from '../../src/host/disks/types.js';
import { ImageCache } from '../../src/host/image-cache.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-bootfiles-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const inspection: ImageInspection = {
  identity: { path: '/img/deb.qcow2', size: 10, mtimeMs: 1, ino: 3 },
  route: { kind: 'direct', fs: 'ext4', partition: 1, offsetBytes: 1 << 20 },
  boot: { kernel: '/boot/vmlinuz-6.1.0-28-amd64', initrd: '/boot/initrd.img-6.1.0-28-amd64', cmdline: 'root=UUID=ab ro', source: 'grub.cfg default entry' },
};
const image = { disk: '/img/deb.qcow2', format: 'qcow2' };

function inspector(fail = false, unpack = false) {
  const calls: { guest: string; host: string }[][] = [];
  return {
    calls,
    inspector: {
      async inspect(): Promise<ImageInspection> {
        throw new Error('not used');
      },
      async copyOut(_i: unknown, _r: unknown, files: { guest: string; host: string }[]) {
        calls.push(files);
        if (fail) throw new Error('debugfs: dump failed');
        for (const f of files) fs.writeFileSync(f.host, `content of ${f.guest}`);
      },
      async uncompressKernel(_bz: string, out: string) {
        if (!unpack) return false;
        fs.writeFileSync(out, '\x7fELF kernel');
        return true;
      },
    },
  };
}

test('copies the kernel and initrd once, into CACHE/boot/KEY, readable by the qemu user', async () => {
  const cache = new ImageCache(root);
  const h = inspector();
  const k = await ensureImageKernel(image, inspection, h, cache);
  assert.ok(!('error' in k));
  assert.equal(path.dirname(k.kernel), cache.bootDir(inspection.identity));
  assert.equal(fs.readFileSync(k.kernel, 'utf8'), 'content of /boot/vmlinuz-6.1.0-28-amd64');
  assert.equal(fs.readFileSync(k.initrd!, 'utf8'), 'content of /boot/initrd.img-6.1.0-28-amd64');
  assert.equal(fs.statSync(k.kernel).mode & 0o777, 0o644);
  assert.equal(k.cmdline, 'root=UUID=ab ro');
  const again = await ensureImageKernel(image, inspection, h, cache);
  assert.deepEqual(again, k);
  assert.equal(h.calls.length, 1, 'the second call copies nothing');
  assert.deepEqual(fs.readdirSync(path.join(root, 'boot')), [path.basename(cache.bootDir(inspection.identity))], 'no temporary folder is left');
  cache.clear();
  assert.equal(fs.existsSync(path.join(root, 'boot')), false, 'cache clear removes the kernels');
});

test('a failed copy leaves nothing behind and says where it was going', async () => {
  const cache = new ImageCache(root);
  const k = await ensureImageKernel(image, { ...inspection, identity: { ...inspection.identity, ino: 4 } }, inspector(true), cache);
  assert.ok('error' in k);
  assert.match(k.error, /could not be copied to .*boot\/[0-9a-f]{32}: debugfs: dump failed/);
  assert.deepEqual(fs.existsSync(path.join(root, 'boot')) ? fs.readdirSync(path.join(root, 'boot')) : [], []);
});

test('no kernel in /boot, or a root the direct reader cannot read, is an error for the planner', async () => {
  const cache = new ImageCache(root);
  const none = await ensureImageKernel(image, { identity: inspection.identity, route: inspection.route }, inspector(), cache);
  assert.deepEqual(none, { error: 'no /boot/vmlinuz-* in the image' });
  const xfs = await ensureImageKernel(image, { ...inspection, route: { kind: 'libguestfs', reason: 'root is XFS' } }, inspector(), cache);
  assert.ok('error' in xfs && /plain ext2\/3\/4 root, and root is XFS/.test(xfs.error));
});

test('a bzImage with an ELF kernel inside: the unpacked vmlinux is what the domain boots, and a cache hit finds it again', async () => {
  const cache = new ImageCache(root);
  const id = { ...inspection, identity: { ...inspection.identity, ino: 9 } };
  const h = inspector(false, true);
  const k = await ensureImageKernel(image, id, h, cache);
  assert.ok(!('error' in k));
  assert.equal(path.basename(k.kernel), 'vmlinux-6.1.0-28-amd64');
  assert.equal(k.uncompressed, true);
  assert.ok(fs.existsSync(path.join(cache.bootDir(id.identity), 'vmlinuz-6.1.0-28-amd64')), 'the bzImage is kept beside it');
  assert.deepEqual(await ensureImageKernel(image, id, h, cache), k);
  assert.equal(h.calls.length, 1);
});
