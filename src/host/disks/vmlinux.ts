/**
 * The uncompressed kernel (ELF `vmlinux`) inside a Debian/Ubuntu bzImage: qemu boots it through
 * its PVH entry point and skips the guest's own xz decompression, seconds under TCG. Found by the
 * xz stream magic, unpacked with xz(1), accepted only when the result is an ELF file.
 */
import fs from 'node:fs';
import type { RunFn } from '../run.js';

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Offsets of xz stream headers in `b` (at most `max`). Pure. */
export function xzOffsets(b: Buffer, max = 5): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(XZ_MAGIC); i >= 0 && out.length < max; i = b.indexOf(XZ_MAGIC, i + 1)) out.push(i);
  return out;
}

/** Writes the ELF kernel inside `bzImage` to `out`; false (and nothing written) when there is none. */
export async function extractVmlinux(run: RunFn, bzImage: string, out: string): Promise<boolean> {
  const b = fs.readFileSync(bzImage);
  for (const off of xzOffsets(b)) {
    const xz = `${out}.xz`;
    fs.writeFileSync(xz, b.subarray(off));
    // --single-stream: the bytes after the compressed kernel are the rest of the bzImage.
    await run(['xz', '--decompress', '--quiet', '--force', '--single-stream', xz], { allowFailure: true, readOnly: true, timeoutMs: 60_000 });
    fs.rmSync(xz, { force: true });
    const head = Buffer.alloc(4);
    try {
      const fd = fs.openSync(out, 'r');
      fs.readSync(fd, head, 0, 4, 0);
      fs.closeSync(fd);
    } catch {
      continue;
    }
    if (head.equals(ELF_MAGIC)) return true;
    fs.rmSync(out, { force: true });
  }
  return false;
}
