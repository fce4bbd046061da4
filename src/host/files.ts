/**
 * The files port: every file and folder vlab makes or removes on the host outside libvirt and
 * qemu-img — overlay and console-log folders, the lab's SSH keys, the uplink watchdog's files,
 * what `down` deletes. In dry-run, changes are skipped and reads still run. A remote host gets
 * its own implementation; nothing above this port touches `node:fs` for host state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { fsError, onFs } from './fs-error.js';

export interface HostFiles {
  /** Creates `dir` and its missing parents with `mode` (and sets `mode` on `dir` itself). */
  mkdirp(dir: string, mode: number): void;
  /** Removes a file, or a folder with everything in it; a missing path is fine. */
  remove(p: string): void;
  /** Whether `p` exists. */
  exists(p: string): boolean;
  /** The file's text. */
  read(p: string): string;
  /** Writes `content` atomically (temp file in the same folder, fsync, rename), with `mode`. */
  writeAtomic(p: string, content: string, mode?: number): void;
  /** Every path under `dir`, recursively, as absolute paths; none when `dir` is missing. */
  list(dir: string): string[];
  /** What is at `p` without following a symlink (a symlink's target with it); undefined when nothing is. */
  stat(p: string): FileStat | undefined;
  /** Replaces whatever file or symlink is at `p` by a symlink to `target`, atomically (rename). */
  symlink(p: string, target: string): void;
  /** Removes the file or symlink at `p` (never a folder); a missing path is fine. */
  unlink(p: string): void;
  /** Removes `dir` if it is empty; true when it was removed, false when it is gone or not empty. */
  rmdirIfEmpty(dir: string): boolean;
}

/** What `stat` sees at a path. */
export interface FileStat {
  type: 'file' | 'symlink' | 'dir' | 'other';
  /** Where a symlink points. */
  target?: string;
}

/** The local file system. */
export class LocalFiles implements HostFiles {
  constructor(private readonly dryRun: boolean) {}

  mkdirp(dir: string, mode: number): void {
    if (this.dryRun) return;
    onFs('make the folder', dir, () => {
      fs.mkdirSync(dir, { recursive: true, mode });
      fs.chmodSync(dir, mode);
    });
  }

  remove(p: string): void {
    if (!this.dryRun) onFs('remove', p, () => fs.rmSync(p, { recursive: true, force: true }));
  }

  exists(p: string): boolean {
    return fs.existsSync(p);
  }

  read(p: string): string {
    return onFs('read', p, () => fs.readFileSync(p, 'utf8'));
  }

  writeAtomic(p: string, content: string, mode = 0o600): void {
    if (!this.dryRun) onFs('write', p, () => writeFileAtomic(p, content, mode));
  }

  list(dir: string): string[] {
    try {
      return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  }

  stat(p: string): FileStat | undefined {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fsError(e, 'look at', p);
    }
    if (st.isSymbolicLink()) return { type: 'symlink', target: fs.readlinkSync(p) };
    return { type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other' };
  }

  symlink(p: string, target: string): void {
    if (this.dryRun) return;
    const tmp = path.join(path.dirname(p), `.${path.basename(p)}.${process.pid}.tmp`);
    onFs('make the symlink', p, () => {
      fs.rmSync(tmp, { force: true });
      fs.symlinkSync(target, tmp);
      fs.renameSync(tmp, p);
    });
  }

  unlink(p: string): void {
    if (this.dryRun) return;
    try {
      fs.unlinkSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(e, 'remove', p);
    }
  }

  rmdirIfEmpty(dir: string): boolean {
    if (this.dryRun) return false;
    try {
      fs.rmdirSync(dir);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw fsError(e, 'remove the folder', dir);
    }
  }
}
