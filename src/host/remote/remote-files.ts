/**
 * The files port on another host: every change and read is one command over ssh (coreutils and
 * a POSIX sh there), through a synchronous run (remoteRunSync). Paths and contents are always
 * argv words or stdin, never spliced into a script: the scripts below read them as "$1", "$2".
 * Dry-run as LocalFiles: changes are skipped (the runner skips them too), reads still run.
 */
import path from 'node:path';
import { CommandError } from '../../errors.js';
import { randomBytes } from 'node:crypto';
import type { FileStat, HostFiles } from '../files.js';
import type { RunOptions, RunResult, RunSyncFn } from '../run.js';

/** A path argument no tool can read as an option (vlab's paths are absolute; a relative one gets `./`). */
const arg = (p: string) => (p.startsWith('-') ? `./${p}` : p);

/** A temp name beside `p` (same folder, so the final rename is atomic). */
export const tempBeside = (p: string) => path.posix.join(path.posix.dirname(p), `.${path.posix.basename(p)}.vlab-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);

const WRITE = 'umask 077; cat > "$1" && chmod "$2" "$1" && mv -f "$1" "$3" || { rm -f "$1"; exit 1; }';
const STAT = '[ -e "$1" ] || [ -L "$1" ] || exit 3; stat -c %F -- "$1" && if [ -L "$1" ]; then readlink -- "$1"; fi';
const SYMLINK = 'rm -f "$1" && ln -s -- "$2" "$1" && mv -fT "$1" "$3" || { rm -f "$1"; exit 1; }';
const UNLINK = 'if [ -d "$1" ] && [ ! -L "$1" ]; then echo "$1: is a folder" >&2; exit 1; fi; rm -f -- "$1"';
const RMDIR = '[ -d "$1" ] || exit 3; [ -n "$(ls -A -- "$1")" ] && exit 4; rmdir -- "$1"';
const LIST = '[ -d "$1" ] || exit 0; find "$1" -mindepth 1 -print0';

export class RemoteFiles implements HostFiles {
  /**
   * @param run runSync on the host (remoteRunSync over the controller's runner)
   * @param dryRun changes are skipped, reads run
   * @param where the host's name, for messages
   */
  constructor(
    private readonly run: RunSyncFn,
    private readonly dryRun: boolean,
    private readonly where: string,
  ) {}

  private sh(script: string, args: string[], opts: RunOptions = {}): RunResult {
    return this.run(['sh', '-c', script, 'sh', ...args], opts);
  }

  /** mkdir -p, then chmod: `mode` on `dir` itself (parents get the host's umask). */
  mkdirp(dir: string, mode: number): void {
    if (this.dryRun) return;
    this.sh('mkdir -p -- "$2" && chmod "$1" -- "$2"', [mode.toString(8), arg(dir)], { hint: `cannot make the folder ${dir} on ${this.where}` });
  }

  /** rm -rf. */
  remove(p: string): void {
    if (this.dryRun) return;
    this.run(['rm', '-rf', '--', p], { hint: `cannot remove ${p} on ${this.where}` });
  }

  /** test -e (follows a symlink, as fs.existsSync). */
  exists(p: string): boolean {
    const r = this.run(['test', '-e', p], { readOnly: true, allowFailure: true });
    if (r.exitCode > 1) throw new CommandError(r.argv, r.exitCode, r.stderr, `cannot look at ${p} on ${this.where}`);
    return r.exitCode === 0;
  }

  /** cat. */
  read(p: string): string {
    return this.run(['cat', '--', p], { readOnly: true, hint: `cannot read ${p} on ${this.where}` }).stdout;
  }

  /** The content on stdin into a 0600 temp file beside `p`, chmod, then mv over `p`. */
  writeAtomic(p: string, content: string, mode = 0o600): void {
    if (this.dryRun) return;
    this.sh(WRITE, [tempBeside(arg(p)), mode.toString(8), arg(p)], { input: content, hint: `cannot write ${p} on ${this.where}` });
  }

  /** find -mindepth 1 (NUL-separated: any file name); none when `dir` is missing. */
  list(dir: string): string[] {
    const out = this.sh(LIST, [arg(dir)], { readOnly: true, hint: `cannot list ${dir} on ${this.where}` }).stdout;
    return out
      .split('\0')
      .filter((f) => f !== '')
      .map((f) => path.posix.normalize(f));
  }

  /** stat -c %F, and readlink for a symlink. */
  stat(p: string): FileStat | undefined {
    const r = this.sh(STAT, [arg(p)], { readOnly: true, allowFailure: true });
    if (r.exitCode === 3) return undefined;
    if (r.exitCode !== 0) throw new CommandError(r.argv, r.exitCode, r.stderr, `cannot look at ${p} on ${this.where}`);
    const nl = r.stdout.indexOf('\n');
    const kind = r.stdout.slice(0, nl < 0 ? undefined : nl);
    if (kind === 'symbolic link') return { type: 'symlink', target: r.stdout.slice(nl + 1).replace(/\n$/, '') };
    return { type: /regular/.test(kind) ? 'file' : kind === 'directory' ? 'dir' : 'other' };
  }

  /** ln -s to a temp name beside `p`, then mv -T over it (atomic). */
  symlink(p: string, target: string): void {
    if (this.dryRun) return;
    this.sh(SYMLINK, [tempBeside(arg(p)), target, arg(p)], { hint: `cannot make the symlink ${p} on ${this.where}` });
  }

  /** rm -f, refusing a folder. */
  unlink(p: string): void {
    if (this.dryRun) return;
    this.sh(UNLINK, [arg(p)], { hint: `cannot remove ${p} on ${this.where}` });
  }

  /** rmdir when empty; false when missing or not empty. */
  rmdirIfEmpty(dir: string): boolean {
    if (this.dryRun) return false;
    const r = this.sh(RMDIR, [arg(dir)], { allowFailure: true });
    if (r.exitCode === 3 || r.exitCode === 4) return false;
    if (r.exitCode !== 0) throw new CommandError(r.argv, r.exitCode, r.stderr, `cannot remove the folder ${dir} on ${this.where}`);
    return true;
  }
}
