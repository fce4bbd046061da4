/**
 * What vlab learned about each base image (route, stack, kernel), kept in vlab's own cache folder
 * — `/var/cache/vlab/images` (VLAB_CACHE_DIR overrides), never under the state root that `down`
 * must leave as it found it — keyed by the image's identity (path, size, mtime, inode): a changed
 * image is read again, an unchanged one never.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import type { ImageIdentity, ImageInspection } from './disks/types.js';

/** The cache folder: VLAB_CACHE_DIR, else /var/cache/vlab. */
export function cacheRoot(env: string | undefined = process.env.VLAB_CACHE_DIR): string {
  return path.resolve(env || '/var/cache/vlab');
}

/** Bumped when what an inspection holds changes (2: boot.cmdline carries the root's UUID), so older entries are read again. */
const FORMAT = 2;

/** The file name an image identity is kept under (its inspection, and its `boot: kernel` files). */
export const keyOf = (id: ImageIdentity) =>
  crypto
    .createHash('sha256')
    .update(JSON.stringify([FORMAT, id.path, id.size, id.mtimeMs, id.ino]))
    .digest('hex')
    .slice(0, 32);

export class ImageCache {
  constructor(private readonly root: string = cacheRoot()) {}

  private file(id: ImageIdentity): string {
    return path.join(this.root, 'images', `${keyOf(id)}.json`);
  }

  /** The cached inspection for this identity, if any (a damaged entry counts as none). */
  get(id: ImageIdentity): ImageInspection | undefined {
    try {
      const v = JSON.parse(fs.readFileSync(this.file(id), 'utf8')) as ImageInspection;
      return keyOf(v.identity) === keyOf(id) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores an inspection (atomically: temp file and rename). A cache that cannot be written is skipped silently: it only saves time. */
  put(v: ImageInspection): void {
    try {
      const f = this.file(v.identity);
      fs.mkdirSync(path.dirname(f), { recursive: true, mode: 0o755 });
      writeFileAtomic(f, JSON.stringify(v, null, 2) + '\n', 0o644);
    } catch {
      /* read-only or full: the next run inspects again */
    }
  }

  /** Every cached inspection. */
  list(): ImageInspection[] {
    const dir = path.join(this.root, 'images');
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names.flatMap((n) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as ImageInspection];
      } catch {
        return [];
      }
    });
  }

  /** Removes every entry, and the kernels copied out for `boot: kernel`; returns how many entries there were. */
  clear(): number {
    const n = this.list().length;
    fs.rmSync(path.join(this.root, 'images'), { recursive: true, force: true });
    fs.rmSync(path.join(this.root, 'boot'), { recursive: true, force: true });
    return n;
  }

  /** The folder holding the kernel and initrd copied out of this image for `boot: kernel`. */
  bootDir(id: ImageIdentity): string {
    return path.join(this.root, 'boot', keyOf(id));
  }
}
