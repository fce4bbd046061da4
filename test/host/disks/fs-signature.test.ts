/** Filesystem signatures: the ext UUID that `boot: kernel` puts in `root=UUID=`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFsSignature } from '../../../src/host/disks/fs-signature.js';

function extSuperblock(uuidHex: string): Buffer {
  const b = Buffer.alloc(68 * 1024);
  const sb = 1024;
  b.writeUInt16LE(0xef53, sb + 0x38);
  b.writeUInt16LE(1, sb + 0x3a); // clean
  b.writeUInt32LE(0x4, sb + 0x5c); // has_journal
  b.writeUInt32LE(0x40 | 0x200, sb + 0x60); // extents, flex_bg
  Buffer.from(uuidHex, 'hex').copy(b, sb + 0x68);
  return b;
}

test('an ext4 superblock gives its kind and UUID in the usual 8-4-4-4-12 form', () => {
  const sig = readFsSignature(extSuperblock('0f1e2d3c4b5a69788796a5b4c3d2e1f0'));
  assert.deepEqual(sig, { kind: 'ext4', uuid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' });
});

test('an all-zero UUID is no UUID', () => {
  assert.deepEqual(readFsSignature(extSuperblock('00000000000000000000000000000000')), { kind: 'ext4' });
});
