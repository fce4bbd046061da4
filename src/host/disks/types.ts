/**
 * The guest-disk port's shared types: how an image's root filesystem is reached, what is known
 * about a base image (found once, cached by the image's identity), and the edits made to an
 * overlay. Implementations: direct (qemu-storage-daemon FUSE export + e2fsprogs debugfs) and
 * libguestfs (one appliance for every disk). Pure types, no I/O.
 */
import type { GuestFile } from '../../render/files.js';

export type { DetectedStack, DiskRoute, ImageBoot, ImageIdentity, ImageInspection } from '../../plan/image-facts.js';
import type { DetectedStack, ImageInspection, DiskRoute } from '../../plan/image-facts.js';

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
  /** Copies files of the image's root (direct route only) to host paths; every file must come out. Never writes the image. */
  copyOut(image: { disk: string; format: string }, route: DiskRoute, files: { guest: string; host: string }[]): Promise<void>;
  /** Writes the uncompressed ELF kernel inside a bzImage (a host file) to `out`; false when it has none. */
  uncompressKernel(bzImage: string, out: string): Promise<boolean>;
}
