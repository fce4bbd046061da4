/**
 * The doctor probe's files and PATH on another host: each read is one read-only command over ssh
 * (coreutils, GNU find and a POSIX sh there) through a synchronous run (remoteRunSync). Paths and
 * names are always argv words: the two scripts below read them as "$1", "$2" and "$@". A file
 * that cannot be read is undefined, as locally; ssh's own failure (HostUnreachableError) is let
 * through, so a host that cannot be reached is never mistaken for a host without the file.
 */
import type { RunOptions, RunResult, RunSyncFn } from '../run.js';
import type { ProbeFs, ProbeStat } from '../probe-fs.js';

/** A path argument no tool can read as an option (the probe's paths are absolute; a relative one gets `./`). */
const arg = (p: string) => (p.startsWith('-') ? `./${p}` : p);

/**
 * The first line of "$1"/ENTRY/"$2" for each entry, as `ENTRY\0LINE\0` pairs: builtins only (no
 * process per entry), so one command reads every /proc/PID/comm.
 */
export const READ_EACH =
  'cd -- "$1" 2>/dev/null || exit 0; for e in * .[!.]* ..?*; do v=; { IFS= read -r v || [ -n "$v" ]; } 2>/dev/null <"$e/$2" || continue; [ -n "$v" ] && printf \'%s\\0%s\\0\' "$e" "$v"; done; exit 0';

/** `NAME<TAB>PATH` (an empty PATH when missing) for each tool in "$@", through the login shell's PATH. */
export const WHICH = 'for t do printf \'%s\\t\' "$t"; command -v "$t" || echo; done';

const OPTS: RunOptions = { readOnly: true, allowFailure: true, timeoutMs: 20_000 };

/** The mode's file-type bits (S_IFMT) as a ProbeStat type. */
function fileType(rawMode: number): ProbeStat['type'] {
  switch (rawMode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'dir';
    case 0o020000:
      return 'char';
    default:
      return 'other';
  }
}

export class RemoteProbeFs implements ProbeFs {
  /** @param run runSync on the host (remoteRunSync over the controller's runner) */
  constructor(private readonly run: RunSyncFn) {}

  private sh(script: string, args: string[]): RunResult {
    return this.run(['sh', '-c', script, 'sh', ...args], OPTS);
  }

  /** cat. */
  read(p: string): string | undefined {
    const r = this.run(['cat', '--', arg(p)], OPTS);
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  /** test -e. */
  exists(p: string): boolean {
    return this.run(['test', '-e', arg(p)], OPTS).exitCode === 0;
  }

  /** stat -L -c '%f %u %g' (raw mode in hex, owner). */
  stat(p: string): ProbeStat | undefined {
    const r = this.run(['stat', '-L', '-c', '%f %u %g', '--', arg(p)], OPTS);
    const m = r.exitCode === 0 ? /^([0-9a-f]+) (\d+) (\d+)/.exec(r.stdout) : null;
    if (!m) return undefined;
    const raw = parseInt(m[1]!, 16);
    return { mode: raw & 0o7777, uid: Number(m[2]), gid: Number(m[3]), type: fileType(raw) };
  }

  /** find -H DIR -mindepth 1 -maxdepth 1 -printf '%f\0' (any file name). */
  readdir(p: string): string[] | undefined {
    const r = this.run(['find', '-H', arg(p), '-mindepth', '1', '-maxdepth', '1', '-printf', '%f\\0'], OPTS);
    if (r.exitCode !== 0) return undefined;
    return r.stdout.split('\0').filter((n) => n !== '');
  }

  /** One sh loop of `read` builtins over the folder's entries (READ_EACH). */
  readEach(dir: string, file: string): Record<string, string> {
    const r = this.sh(READ_EACH, [arg(dir), file]);
    const out: Record<string, string> = {};
    if (r.exitCode !== 0) return out;
    const parts = r.stdout.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]!] = parts[i + 1]!;
    return out;
  }

  /** One `command -v` per tool in one remote shell (WHICH): the host's own PATH. */
  which(names: readonly string[]): Record<string, string | null> {
    const found = new Map<string, string>();
    if (names.length) {
      const r = this.sh(WHICH, [...names]);
      for (const line of r.stdout.split('\n')) {
        const tab = line.indexOf('\t');
        const p = line.slice(tab + 1);
        if (tab > 0 && p.startsWith('/')) found.set(line.slice(0, tab), p);
      }
    }
    return Object.fromEntries(names.map((n) => [n, found.get(n) ?? null]));
  }

  /** stat -f -c '%a %S': available blocks × fundamental block size. */
  freeBytes(p: string): number | undefined {
    const r = this.run(['stat', '-f', '-c', '%a %S', '--', arg(p)], OPTS);
    const m = r.exitCode === 0 ? /^(\d+) (\d+)/.exec(r.stdout) : null;
    return m ? Number(m[1]) * Number(m[2]) : undefined;
  }
}
