/**
 * What the planner knows about a base image, read by the host's DiskInspector: how its root is
 * reached (the disk route), the stack its files show, its kernel. Pure types: the planner needs
 * them, the host fills them in.
 */
import type { NetconfigKind } from '../spec/types.js';

/** The network configuration stack found in a guest image, and what showed it. */
export interface DetectedStack {
  stack: Exclude<NetconfigKind, 'auto'>;
  /** Paths found in the image, e.g. `/etc/netplan/50-cloud-init.yaml`. */
  evidence: string[];
}

/** How the files of an overlay are written. */
export type DiskRoute =
  | {
      kind: 'direct';
      /** Root filesystem type. */
      fs: 'ext2' | 'ext3' | 'ext4';
      /** 1-based partition number; absent for a filesystem on the whole disk. */
      partition?: number;
      /** Byte offset of the root filesystem inside the disk (0 for a whole-disk filesystem). */
      offsetBytes: number;
    }
  | {
      kind: 'libguestfs';
      /** Why the direct path cannot be used, for people: e.g. "root is XFS", "needs_recovery is set". */
      reason: string;
      /** libguestfs device name of the root when known, e.g. `/dev/sda1`. */
      root?: string;
    };

/** Where an image's kernel lives, for `boot: kernel` (direct kernel boot of a disk-only image). */
export interface ImageBoot {
  /** Paths inside the guest, e.g. `/boot/vmlinuz-6.1.0-18-amd64`. */
  kernel: string;
  initrd?: string;
  /** Kernel command line from grub.cfg's default entry, with its `root=` (or `root=UUID=` of the root filesystem when grub gives none). */
  cmdline: string;
  /** Where the kernel and command line were found, for people: `grub.cfg default entry` or `/boot (no grub.cfg)`. */
  source?: string;
}

/** `boot: kernel` files copied out of an image into vlab's cache folder: host paths the domain boots. */
export interface ImageKernel {
  kernel: string;
  initrd?: string;
  /** The command line as found (ImageBoot.cmdline); the planner adds the serial console. */
  cmdline: string;
  /** The paths inside the image they came from, and where the command line came from. */
  from: ImageBoot;
  /** `kernel` is the ELF kernel unpacked from the image's bzImage (no decompression at boot). */
  uncompressed?: true;
}

/** The identity a cache entry is keyed by: a changed image is inspected again. */
export interface ImageIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** What vlab learns about a base image by reading it (read-only), once per identity. */
export interface ImageInspection {
  identity: ImageIdentity;
  /** How overlays of this image are written. */
  route: DiskRoute;
  /** The stack its files show (undefined when none matched). */
  stack?: DetectedStack;
  /** Kernel, initrd and command line found in /boot and grub.cfg (undefined when none). */
  boot?: ImageBoot;
}
