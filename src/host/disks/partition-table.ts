/**
 * Reads a disk's partition table from its first bytes: MBR (with the protective-MBR hand-off to
 * GPT) and GPT. Pure: the caller reads the bytes (the first 64 KiB are enough for 128 GPT entries
 * of 128 bytes with 512-byte sectors).
 */

/** One partition: 1-based number, byte offset and size, and its type for messages. */
export interface Partition {
  number: number;
  offsetBytes: number;
  sizeBytes: number;
  /** MBR type byte as hex (`83`, `8e`), or GPT type GUID in lower case. */
  type: string;
}

export type PartitionTable = { kind: 'none' } | { kind: 'mbr' | 'gpt'; partitions: Partition[] } | { kind: 'unknown'; reason: string };

const SECTOR = 512;

/** GPT type GUIDs worth naming in messages. */
export const GPT_TYPES: Record<string, string> = {
  '0fc63daf-8483-4772-8e79-3d69d8477de4': 'Linux filesystem',
  'e6d6d379-f507-44c2-a23c-238f2a3df928': 'Linux LVM',
  'c12a7328-f81f-11d2-ba4b-00a0c93ec93b': 'EFI system',
  '21686148-6449-6e6f-744e-656564454649': 'BIOS boot',
  '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f': 'Linux swap',
  'ca7d7ccb-63ed-4c53-861c-1742536059cc': 'LUKS',
  '4f68bce3-e8cd-4db1-96e7-fbcaf984b709': 'Linux root (x86-64)',
};

/** Mixed-endian GUID text of 16 bytes at `off`. */
function guid(b: Buffer, off: number): string {
  const hex = (from: number, to: number, rev: boolean) => {
    const part = [...b.subarray(off + from, off + to)];
    return (rev ? part.reverse() : part).map((x) => x.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** The partition table in `head` (the disk's first bytes). `none` when there is no MBR signature. */
export function readPartitionTable(head: Buffer): PartitionTable {
  if (head.length < 2 * SECTOR || head.readUInt16LE(510) !== 0xaa55) return { kind: 'none' };
  const entries = [0, 1, 2, 3].map((i) => {
    const e = 446 + i * 16;
    return { type: head[e + 4]!, lba: head.readUInt32LE(e + 8), sectors: head.readUInt32LE(e + 12) };
  });
  if (entries.some((e) => e.type === 0xee)) return readGpt(head);
  // A filesystem boot sector can carry 0xaa55 too: only a table with sane entries counts.
  const used = entries.map((e, i) => ({ ...e, number: i + 1 })).filter((e) => e.type !== 0 && e.sectors > 0);
  if (!used.length) return { kind: 'none' };
  if (used.some((e) => e.type === 0x05 || e.type === 0x0f || e.type === 0x85))
    return { kind: 'unknown', reason: 'an MBR extended partition (logical partitions are not read directly)' };
  return {
    kind: 'mbr',
    partitions: used.map((e) => ({ number: e.number, offsetBytes: e.lba * SECTOR, sizeBytes: e.sectors * SECTOR, type: e.type.toString(16).padStart(2, '0') })),
  };
}

function readGpt(head: Buffer): PartitionTable {
  const h = SECTOR;
  if (head.subarray(h, h + 8).toString('latin1') !== 'EFI PART') return { kind: 'unknown', reason: 'a protective MBR without a GPT header at sector 1 (4 KiB sectors?)' };
  const entriesLba = Number(head.readBigUInt64LE(h + 72));
  const count = head.readUInt32LE(h + 80);
  const size = head.readUInt32LE(h + 84);
  const start = entriesLba * SECTOR;
  if (size < 128 || start + count * size > head.length) return { kind: 'unknown', reason: `GPT entries beyond the first ${head.length} bytes` };
  const partitions: Partition[] = [];
  for (let i = 0; i < count; i++) {
    const e = start + i * size;
    const type = guid(head, e);
    if (type === '00000000-0000-0000-0000-000000000000') continue;
    const first = Number(head.readBigUInt64LE(e + 32));
    const last = Number(head.readBigUInt64LE(e + 40));
    partitions.push({ number: i + 1, offsetBytes: first * SECTOR, sizeBytes: (last - first + 1) * SECTOR, type });
  }
  return { kind: 'gpt', partitions };
}
