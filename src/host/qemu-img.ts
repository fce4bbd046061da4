/** Disk images through `qemu-img`. */
import { HostError } from '../errors.js';
import type { RunFn } from './run.js';

/** What `qemu-img info` says about an image. */
export interface ImageFileInfo {
  /** `qcow2`, `raw`, ... */
  format: string;
  /** Virtual size in bytes. */
  virtualSize: number;
  /** The backing file as written in the image, when it has one. */
  backingFile?: string;
  /** Bytes the file takes on disk. */
  actualBytes?: number;
  /** Its internal snapshots, with the size of the saved memory state of each. */
  snapshots?: { name: string; vmStateBytes: number }[];
}

/** Disk image files. */
export interface QemuImg {
  /** Format, virtual size and backing file of an image (`qemu-img info --output=json`); never writes. */
  info(path: string): Promise<ImageFileInfo>;
  /** Creates a qcow2 overlay whose backing file is the qcow2 `base` (which is never written afterwards). */
  createOverlay(base: string, overlay: string): Promise<void>;
  /** Points a qcow2 file at another backing file with the same content, without reading either (`rebase -u`): a layer copied to another host, onto that host's copy of its base. */
  rebaseUnsafe(file: string, backing: string): Promise<void>;
}

/** Parses `qemu-img info --output=json` (a single image, not --backing-chain). */
export function parseImageInfo(json: string, path = 'image'): ImageFileInfo {
  let o: {
    format?: unknown;
    'virtual-size'?: unknown;
    'backing-filename'?: unknown;
    'full-backing-filename'?: unknown;
    'actual-size'?: unknown;
    snapshots?: { name?: unknown; 'vm-state-size'?: unknown }[];
  };
  try {
    o = JSON.parse(json) as typeof o;
  } catch (e) {
    throw new HostError(`cannot parse \`qemu-img info\` output for ${path}: ${(e as Error).message}`);
  }
  if (typeof o.format !== 'string' || typeof o['virtual-size'] !== 'number') {
    throw new HostError(`unexpected \`qemu-img info\` output for ${path}: no format or virtual-size`);
  }
  const info: ImageFileInfo = { format: o.format, virtualSize: o['virtual-size'] };
  const backing = o['full-backing-filename'] ?? o['backing-filename'];
  if (typeof backing === 'string') info.backingFile = backing;
  if (typeof o['actual-size'] === 'number') info.actualBytes = o['actual-size'];
  if (Array.isArray(o.snapshots)) {
    info.snapshots = o.snapshots.flatMap((x) =>
      typeof x.name === 'string' ? [{ name: x.name, vmStateBytes: typeof x['vm-state-size'] === 'number' ? x['vm-state-size'] : 0 }] : [],
    );
  }
  return info;
}

/** QemuImg through the `qemu-img` command. */
export class QemuImgCommand implements QemuImg {
  /** @param run the runner's run(), from createHost. */
  constructor(private readonly run: RunFn) {}

  async info(path: string): Promise<ImageFileInfo> {
    // -U: read even while a running guest holds the image's write lock.
    const r = await this.run(['qemu-img', 'info', '-U', '--output=json', path], { readOnly: true });
    return parseImageInfo(r.stdout, path);
  }

  async createOverlay(base: string, overlay: string): Promise<void> {
    await this.run(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, overlay], {
      hint: `the base image ${base} must be a readable qcow2 file`,
    });
  }

  async rebaseUnsafe(file: string, backing: string): Promise<void> {
    await this.run(['qemu-img', 'rebase', '-u', '-f', 'qcow2', '-F', 'qcow2', '-b', backing, file]);
  }
}
