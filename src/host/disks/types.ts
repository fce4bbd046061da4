/**
 * The guest-disk port's shared types: how an image's root filesystem is reached, what is known
 * about a base image (found once, cached by the image's identity), and the edits made to an
 * overlay. Implementations: direct (qemu-storage-daemon FUSE export + e2fsprogs debugfs) and
 * libguestfs (one appliance for every disk). Pure types, no I/O.
 */
import type { GuestFile } from '../../render/files.js';
import type { NetconfigKind } from '../../spec/types.js';

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
  /** Kernel command line from grub.cfg's default entry, with its `root=`. */
  cmdline: string;
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

/** Files rendered for the stack found in the same appliance launch (libguestfs route only). */
export interface RenderedEdits {
  files: GuestFile[];
  remove?: string[];
  links?: { path: string; target: string }[];
}

/** What to do to one disk (an overlay). */
export interface DiskJob {
  /** Absolute path of the disk (a qcow2 overlay). */
  disk: string;
  /** How to reach its root, from the base image's inspection (the plan carries it). */
  route: DiskRoute;
  /** Files to write (parent directories are created; existing files are replaced). */
  files: GuestFile[];
  /** Guest paths to remove (missing ones are fine). */
  remove?: string[];
  /** Symlinks to make (e.g. enabling a systemd unit); existing ones are replaced. */
  links?: { path: string; target: string }[];
  /**
   * libguestfs route only, for `netconfig: auto` on an image the direct reader cannot read: called
   * once the stack is detected in the same launch, before anything is written to any disk; returns
   * the files to write. Throwing aborts the whole edit with nothing written.
   */
  render?: (detected: DetectedStack | undefined) => RenderedEdits;
}

/** Outcome for one disk. */
export interface DiskResult {
  disk: string;
  /** Which path wrote it. */
  route: DiskRoute['kind'];
  /** libguestfs route: the filesystem mounted as the guest's root, e.g. /dev/sda1. */
  root?: string;
  /** Present when the libguestfs route detected a stack (a job with render). */
  detected?: DetectedStack;
}

/** Offline edits of guest disks (the port). */
export interface GuestDisks {
  /**
   * Writes files into, and removes paths from, every job's disk: 'direct' jobs in parallel,
   * 'libguestfs' jobs in ONE appliance launch. Results are in job order. Skipped in dry-run.
   */
  edit(jobs: DiskJob[]): Promise<DiskResult[]>;
}

/** Reads base images, read-only (the port's inspection half). */
export interface ImageInspector {
  /** Route, stack evidence and boot files of a base image. Never writes it. */
  inspect(image: { disk: string; format: string }): Promise<ImageInspection>;
}
