/**
 * Reads a base image once, read-only (a FUSE export with force-share, so a base that running
 * guests use can be read): its partition table, the filesystem that holds /etc, whether the
 * direct path may write overlays of it (plain ext2/3/4, no recovery pending, no errors, no
 * SELinux labels needed) or why not, the network stack its files show, and its kernel.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostError } from '../../errors.js';
import type { RunFn } from '../run.js';
import { Debugfs, fsSpec } from './debugfs.js';
import { decideStack, STACK_PROBES } from './detect-stack.js';
import { readFsSignature, type FsKind } from './fs-signature.js';
import { FuseExport } from './fuse-export.js';
import { readPartitionTable } from './partition-table.js';
import { extractVmlinux } from './vmlinux.js';
import type { DiskRoute, ImageBoot, ImageIdentity, ImageInspection, ImageInspector } from './types.js';

/** The identity a cached inspection is keyed by. */
export function imageIdentity(disk: string): ImageIdentity {
  const st = fs.statSync(disk);
  return { path: disk, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}

const NAMES: Partial<Record<FsKind, string>> = { xfs: 'XFS', btrfs: 'btrfs', luks: 'LUKS-encrypted', lvm: 'an LVM volume', swap: 'swap' };

function readAt(file: string, offset: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(length);
    const n = fs.readSync(fd, b, 0, length, offset);
    return b.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Version-aware order of `vmlinuz-6.1.0-18-amd64` names (newest last). */
function byVersion(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The default entry's `linux` line of a grub.cfg: kernel path and the rest of the line. */
export function grubDefault(cfg: string): { kernel: string; args: string } | undefined {
  const start = cfg.search(/^\s*menuentry\s/m);
  if (start < 0) return undefined;
  const m = /^\s*linux(?:16|efi)?\s+(\S+)\s*(.*)$/m.exec(cfg.slice(start));
  return m ? { kernel: m[1]!, args: m[2]!.trim() } : undefined;
}

export class DiskInspector implements ImageInspector {
  /** @param run the runner's run() (reads only: these commands run in dry-run too) */
  constructor(private readonly run: RunFn) {}

  async inspect(image: { disk: string; format: string }): Promise<ImageInspection> {
    const identity = imageIdentity(image.disk);
    if (image.format === 'raw') return this.read(image.disk, identity);
    if (image.format !== 'qcow2') return { identity, route: { kind: 'libguestfs', reason: `the image format is ${image.format}` } };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-inspect-'));
    fs.chmodSync(dir, 0o700);
    let exp: FuseExport | undefined;
    try {
      exp = await FuseExport.open(this.run, image.disk, { writable: false, dir });
      return await this.read(exp.raw, identity);
    } finally {
      await exp?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Everything from the raw view of the disk. */
  private async read(raw: string, identity: ImageIdentity): Promise<ImageInspection> {
    const table = readPartitionTable(readAt(raw, 0, 64 * 1024));
    if (table.kind === 'unknown') return { identity, route: { kind: 'libguestfs', reason: `the partition table is not read directly: ${table.reason}` } };
    const candidates =
      table.kind === 'none' ? [{ number: undefined, offsetBytes: 0 }] : table.partitions.map((p) => ({ number: p.number as number | undefined, offsetBytes: p.offsetBytes }));
    const others: string[] = [];
    for (const c of candidates) {
      const sig = readFsSignature(readAt(raw, c.offsetBytes, 68 * 1024));
      const where = c.number ? `partition ${c.number}` : 'the disk';
      if (sig.kind !== 'ext2' && sig.kind !== 'ext3' && sig.kind !== 'ext4') {
        if (NAMES[sig.kind]) others.push(`${where} is ${NAMES[sig.kind]}`);
        continue;
      }
      const dbg = new Debugfs(this.run, fsSpec(raw, c.offsetBytes));
      const etc = (await dbg.stat(['/etc'])).get('/etc');
      if (etc?.type !== 'directory') continue;
      const route: DiskRoute = { kind: 'direct', fs: sig.kind, offsetBytes: c.offsetBytes, ...(c.number ? { partition: c.number } : {}) };
      const facts = await this.readFiles(dbg, sig.uuid);
      if (sig.unsafe) return { identity, route: { kind: 'libguestfs', reason: `the root (${sig.kind}, ${where}): ${sig.unsafe}` }, ...facts };
      if (facts.selinux)
        return {
          identity,
          route: { kind: 'libguestfs', reason: `SELinux labels needed (SELINUX=${facts.selinux} in /etc/selinux/config)` },
          ...(facts.stack ? { stack: facts.stack } : {}),
          ...(facts.boot ? { boot: facts.boot } : {}),
        };
      return { identity, route, ...(facts.stack ? { stack: facts.stack } : {}), ...(facts.boot ? { boot: facts.boot } : {}) };
    }
    const reason = others.length ? `root is not ext2/3/4 (${others.join(', ')})` : 'no ext2/3/4 filesystem with /etc found';
    return { identity, route: { kind: 'libguestfs', reason: reason.replace('root is not ext2/3/4 (the disk is XFS)', 'root is XFS') } };
  }

  /** Stack evidence, SELinux mode and boot files, from the root filesystem. */
  private async readFiles(dbg: Debugfs, rootUuid: string | undefined): Promise<Pick<ImageInspection, 'stack' | 'boot'> & { selinux?: string }> {
    const probes = await dbg.stat([...STACK_PROBES, '/etc/selinux/config', '/boot/grub/grub.cfg']);
    const netplan = ((await dbg.list('/etc/netplan')) ?? []).filter((n) => n.endsWith('.yaml')).map((n) => `/etc/netplan/${n}`);
    const stack = decideStack((p) => probes.get(p) !== undefined, netplan.sort());
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-inspect-f-'));
    try {
      const want = [
        ...(probes.get('/etc/selinux/config') ? [{ guest: '/etc/selinux/config', host: path.join(tmp, 'selinux') }] : []),
        ...(probes.get('/boot/grub/grub.cfg') ? [{ guest: '/boot/grub/grub.cfg', host: path.join(tmp, 'grub.cfg') }] : []),
      ];
      await dbg.dump(want);
      const text = (f: string) => (fs.existsSync(path.join(tmp, f)) ? fs.readFileSync(path.join(tmp, f), 'utf8') : undefined);
      const selinux = /^\s*SELINUX\s*=\s*(enforcing|permissive)\b/m.exec(text('selinux') ?? '')?.[1];
      const boot = await this.boot(dbg, text('grub.cfg'), rootUuid);
      return { ...(stack ? { stack } : {}), ...(boot ? { boot } : {}), ...(selinux ? { selinux } : {}) };
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** Newest /boot/vmlinuz-* (or grub's default) with its initrd, and grub's command line for it; without a `root=` there, the root's UUID. */
  private async boot(dbg: Debugfs, grub: string | undefined, rootUuid: string | undefined): Promise<ImageBoot | undefined> {
    const names = (await dbg.list('/boot')) ?? [];
    const kernels = names.filter((n) => /^vmlinuz-/.test(n)).sort(byVersion);
    const g = grub ? grubDefault(grub) : undefined;
    const kernelName = (g && kernels.find((k) => g.kernel.endsWith(`/${k}`))) ?? kernels.at(-1);
    if (!kernelName) return undefined;
    const version = kernelName.slice('vmlinuz-'.length);
    const initrd = names.find((n) => n === `initrd.img-${version}` || n === `initramfs-${version}.img`);
    const args = g?.args ?? 'ro';
    const root = /(^|\s)root=/.test(args) || !rootUuid ? '' : `root=UUID=${rootUuid} `;
    return { kernel: `/boot/${kernelName}`, ...(initrd ? { initrd: `/boot/${initrd}` } : {}), cmdline: root + args, source: g ? 'grub.cfg default entry' : '/boot (no grub.cfg)' };
  }

  /** Writes the uncompressed ELF kernel inside a bzImage to `out` (see vmlinux.ts). */
  uncompressKernel(bzImage: string, out: string): Promise<boolean> {
    return extractVmlinux(this.run, bzImage, out);
  }

  /** Copies guest files of the image's root (e.g. the kernel for `boot: kernel`) to host files. */
  async copyOut(image: { disk: string; format: string }, route: DiskRoute, files: { guest: string; host: string }[]): Promise<void> {
    if (route.kind !== 'direct') throw new HostError(`${image.disk}: files are copied out of the image only on the direct route (${route.reason})`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-copyout-'));
    let exp: FuseExport | undefined;
    try {
      const raw = image.format === 'raw' ? image.disk : (exp = await FuseExport.open(this.run, image.disk, { writable: false, dir })).raw;
      const got = await new Debugfs(this.run, fsSpec(raw, route.offsetBytes)).dump(files);
      const missing = files.filter((f) => !got.has(f.guest));
      if (missing.length) throw new HostError(`${image.disk}: could not copy ${missing.map((f) => f.guest).join(', ')} out of the image`);
    } finally {
      await exp?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
