/**
 * What the doctor's probe reads of a host's files and PATH, as one small port: this machine's
 * through node:fs (LocalProbeFs), another host's over SSH (src/host/remote/remote-probe-fs.ts).
 * Every method only reads; a file that cannot be read is `undefined`, never an error (a host that
 * cannot be reached at all is: the remote implementation lets HostUnreachableError through).
 */
import fs from 'node:fs';
import path from 'node:path';

/** A path's kind, permission bits and owner. */
export interface ProbeStat {
  /** The permission bits (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  type: 'file' | 'dir' | 'char' | 'other';
}

/** The probe's read-only view of a host's files and PATH. */
export interface ProbeFs {
  /** The text of a file, or undefined when it is missing or cannot be read. */
  read(p: string): string | undefined;
  /** Whether the path exists (a symlink is followed). */
  exists(p: string): boolean;
  /** Kind, mode and owner of the path (a symlink is followed), or undefined when it is missing. */
  stat(p: string): ProbeStat | undefined;
  /** The names in a folder, or undefined when it is missing or cannot be listed. */
  readdir(p: string): string[] | undefined;
  /** For each entry E of `dir`, the first line of `dir/E/file`, keyed by E (entries where it is missing, unreadable or empty are left out). */
  readEach(dir: string, file: string): Record<string, string>;
  /** Each tool's path on the host's PATH, or null when it is not there. */
  which(names: readonly string[]): Record<string, string | null>;
  /** Bytes free for unprivileged use on the filesystem holding `p` (an existing path), or undefined. */
  freeBytes(p: string): number | undefined;
}

/** This machine's files through node:fs; `which` looks along `pathEnv`. */
export class LocalProbeFs implements ProbeFs {
  constructor(private readonly pathEnv = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin') {}

  /** readFileSync as utf8. */
  read(p: string): string | undefined {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** existsSync. */
  exists(p: string): boolean {
    return fs.existsSync(p);
  }

  /** statSync. */
  stat(p: string): ProbeStat | undefined {
    try {
      const st = fs.statSync(p);
      return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isCharacterDevice() ? 'char' : 'other' };
    } catch {
      return undefined;
    }
  }

  /** readdirSync. */
  readdir(p: string): string[] | undefined {
    try {
      return fs.readdirSync(p);
    } catch {
      return undefined;
    }
  }

  /** readdir, then one read per entry. */
  readEach(dir: string, file: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.readdir(dir) ?? []) {
      const line = this.read(path.join(dir, e, file))?.split('\n')[0];
      if (line) out[e] = line;
    }
    return out;
  }

  /** The first executable regular file of each name along PATH. */
  which(names: readonly string[]): Record<string, string | null> {
    return Object.fromEntries(names.map((n) => [n, this.whichOne(n)]));
  }

  private whichOne(name: string): string | null {
    for (const dir of this.pathEnv.split(':').filter(Boolean)) {
      const p = path.join(dir, name);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        if (fs.statSync(p).isFile()) return p;
      } catch {
        /* not here */
      }
    }
    return null;
  }

  /** statfsSync: bavail × bsize. */
  freeBytes(p: string): number | undefined {
    try {
      const s = fs.statfsSync(p);
      return s.bavail * s.bsize;
    } catch {
      return undefined;
    }
  }
}
