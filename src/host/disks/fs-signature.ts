/**
 * What filesystem (or container) starts at an offset, from its signature bytes, and whether an
 * ext2/3/4 superblock is plain enough to write directly. Pure: the caller reads the bytes (the
 * first 68 KiB of the filesystem cover every signature checked here).
 */

export type FsKind = 'ext2' | 'ext3' | 'ext4' | 'xfs' | 'btrfs' | 'luks' | 'lvm' | 'swap' | 'unknown';

export interface FsSignature {
  kind: FsKind;
  /** ext only: why the direct path must not write it (needs_recovery, errors), if anything. */
  unsafe?: string;
  /** ext only: the filesystem UUID (for `root=UUID=...`). */
  uuid?: string;
}

const EXT_MAGIC = 0xef53;
const COMPAT_HAS_JOURNAL = 0x4;
const INCOMPAT_RECOVER = 0x4;
const INCOMPAT_JOURNAL_DEV = 0x8;
const INCOMPAT_EXTENTS = 0x40;
const INCOMPAT_64BIT = 0x80;
const INCOMPAT_FLEX_BG = 0x200;
const STATE_ERRORS = 0x2;

/** The filesystem whose first bytes are `b` (at least 68 KiB, or fewer for a tiny one). */
export function readFsSignature(b: Buffer): FsSignature {
  const at = (off: number, text: string) => b.length >= off + text.length && b.subarray(off, off + text.length).toString('latin1') === text;
  if (at(0, 'LUKS\xba\xbe')) return { kind: 'luks' };
  if (at(0, 'XFSB')) return { kind: 'xfs' };
  if (at(512, 'LABELONE') || at(24, 'LVM2 001') || at(512 + 24, 'LVM2 001')) return { kind: 'lvm' };
  if (at(0x10040, '_BHRfS_M')) return { kind: 'btrfs' };
  if (at(4096 - 10, 'SWAPSPACE2')) return { kind: 'swap' };
  if (b.length >= 1024 + 0x78 && b.readUInt16LE(1024 + 0x38) === EXT_MAGIC) {
    const sb = 1024;
    const state = b.readUInt16LE(sb + 0x3a);
    const compat = b.readUInt32LE(sb + 0x5c);
    const incompat = b.readUInt32LE(sb + 0x60);
    const kind: FsKind = incompat & (INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_FLEX_BG) ? 'ext4' : compat & COMPAT_HAS_JOURNAL ? 'ext3' : 'ext2';
    const unsafe =
      incompat & INCOMPAT_RECOVER
        ? 'needs_recovery is set (the journal holds changes not yet written: let the guest or e2fsck replay it)'
        : incompat & INCOMPAT_JOURNAL_DEV
          ? 'it is an external journal device'
          : state & STATE_ERRORS
            ? 'its error flag is set (run e2fsck on the image)'
            : undefined;
    const hex = b.subarray(sb + 0x68, sb + 0x78).toString('hex');
    const uuid = /^0+$/.test(hex) ? undefined : `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { kind, ...(unsafe ? { unsafe } : {}), ...(uuid ? { uuid } : {}) };
  }
  return { kind: 'unknown' };
}
