/**
 * The debugfs command script that applies one disk's edits, given what already exists in the
 * image, and the parser of debugfs `stat` output. Pure. debugfs refuses to `write` over an
 * existing name and exits 0 even when a command fails, so the script never relies on an error:
 * every directory level missing is made, every name written is removed first, and the caller
 * reads the result back.
 */
import path from 'node:path';
import { HostError } from '../../errors.js';

/** An inode as `stat` shows it. */
export interface DebugfsEntry {
  type: string;
  /** Permission bits (e.g. 0o644). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Symlinks stored in the inode: their target. */
  target?: string;
}

/** A file to write: its guest path, the host file holding its bytes, its permission bits. */
export interface ScriptFile {
  path: string;
  source: string;
  mode: number;
}

/** Paths debugfs' command parser takes as one word. */
export function checkGuestPath(p: string): void {
  if (!path.posix.isAbsolute(p) || /[\s"\\]/.test(p) || p.includes('/../') || p.endsWith('/..')) {
    throw new HostError(`guest path '${p}' cannot be written directly (absolute, no spaces, quotes or ..)`, 'set VLAB_GUEST_DISKS=libguestfs to write it through the appliance');
  }
}

/** Every ancestor directory of `p`, outermost first, without `/`. */
export function ancestors(p: string): string[] {
  const out: string[] = [];
  for (let d = path.posix.dirname(p); d !== '/'; d = path.posix.dirname(d)) out.unshift(d);
  return out;
}

/** The paths whose state the script depends on: ancestors of files and links, and every target path. */
export function pathsToStat(files: { path: string }[], links: { path: string }[], remove: string[]): string[] {
  const all = new Set<string>();
  for (const p of [...files.map((f) => f.path), ...links.map((l) => l.path)]) for (const a of ancestors(p)) all.add(a);
  for (const p of [...files.map((f) => f.path), ...links.map((l) => l.path), ...remove]) all.add(p);
  return [...all];
}

/** The script for one disk. `existing` maps every path of pathsToStat to its inode, or undefined when missing. */
export function buildScript(
  edits: { files: ScriptFile[]; links: { path: string; target: string }[]; remove: string[] },
  existing: Map<string, DebugfsEntry | undefined>,
  disk: string,
): string[] {
  const lines: string[] = [];
  const state = new Map(existing);
  const notDir = (p: string, what: string) =>
    new HostError(`${disk}: ${p} is a ${state.get(p)!.type} in the image, ${what}`, 'set VLAB_GUEST_DISKS=libguestfs to write through the appliance, or fix the image');
  const ensureDirs = (p: string) => {
    for (const d of ancestors(p)) {
      const e = state.get(d);
      if (!e) {
        lines.push(`mkdir ${d}`);
        state.set(d, { type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0 });
      } else if (e.type !== 'directory') throw notDir(d, 'not a directory (the direct path does not follow symlinks)');
    }
  };
  const clear = (p: string) => {
    const e = state.get(p);
    if (!e) return;
    if (e.type === 'directory') throw notDir(p, 'where vlab writes a file');
    lines.push(`rm ${p}`);
    state.set(p, undefined);
  };
  for (const p of [...edits.files.map((f) => f.path), ...edits.links.map((l) => l.path), ...edits.remove]) checkGuestPath(p);
  for (const l of edits.links) if (/[\s"\\]/.test(l.target)) throw new HostError(`symlink target '${l.target}' cannot be written directly`, 'set VLAB_GUEST_DISKS=libguestfs');
  for (const p of edits.remove) {
    const e = state.get(p);
    if (e?.type === 'directory') throw notDir(p, 'which vlab removes as a file');
    clear(p);
  }
  for (const f of edits.files) {
    ensureDirs(f.path);
    clear(f.path);
    lines.push(`write ${f.source} ${f.path}`, `sif ${f.path} mode 0${(0o100000 | (f.mode & 0o7777)).toString(8)}`, `sif ${f.path} uid 0`, `sif ${f.path} gid 0`);
    state.set(f.path, { type: 'regular', mode: f.mode & 0o7777, uid: 0, gid: 0, size: 0 });
  }
  for (const l of edits.links) {
    ensureDirs(l.path);
    clear(l.path);
    lines.push(`symlink ${l.path} ${l.target}`);
    state.set(l.path, { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: l.target.length, target: l.target });
  }
  return lines;
}

/**
 * Splits the stdout of `debugfs -f SCRIPT` (which echoes each command as `debugfs: CMD`) into
 * each command's output, in order.
 */
export function splitOutput(stdout: string): { command: string; output: string }[] {
  const out: { command: string; output: string }[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('debugfs: ')) out.push({ command: line.slice(9), output: '' });
    else if (out.length) out[out.length - 1]!.output += line + '\n';
  }
  return out;
}

/** One `stat` output → the inode; undefined when the path does not exist (no output). */
export function parseStat(output: string): DebugfsEntry | undefined {
  const type = /Type: (\S+)/.exec(output)?.[1];
  if (!type) return undefined;
  const num = (re: RegExp) => Number(re.exec(output)?.[1] ?? NaN);
  const target = /Fast link dest: "(.*)"/.exec(output)?.[1];
  return {
    type,
    mode: parseInt(/Mode:\s+(\d+)/.exec(output)?.[1] ?? '0', 8),
    uid: num(/User:\s+(\d+)/),
    gid: num(/Group:\s+(\d+)/),
    size: num(/Size: (\d+)/),
    ...(target !== undefined ? { target } : {}),
  };
}

/** debugfs's stderr lines that are not its version banner: each is a failed command. */
export function errorLines(stderr: string): string[] {
  return stderr
    .replace(/debugfs \d+\.\d+\S* \([^)]*\)/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
