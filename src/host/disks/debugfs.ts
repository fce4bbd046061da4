/**
 * e2fsprogs' debugfs on a raw filesystem image (a FUSE export), through the runner: batches of
 * `stat`, a write script, `dump` of files back to the host. `spec` is `RAW` or `RAW?offset=N`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostError } from '../../errors.js';
import type { RunFn } from '../run.js';
import { errorLines, parseStat, splitOutput, type DebugfsEntry } from './debugfs-script.js';

/** `RAW?offset=N` when the filesystem does not start the disk. */
export function fsSpec(raw: string, offsetBytes: number): string {
  return offsetBytes ? `${raw}?offset=${offsetBytes}` : raw;
}

export class Debugfs {
  constructor(
    private readonly run: RunFn,
    private readonly spec: string,
  ) {}

  /** Runs a script (read-only unless `write`); returns stdout and stderr. */
  private async script(lines: string[], write: boolean): Promise<{ stdout: string; stderr: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-debugfs-'));
    try {
      const file = path.join(dir, 'cmds');
      fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
      const r = await this.run(['debugfs', ...(write ? ['-w'] : []), '-f', file, this.spec], {
        allowFailure: true,
        readOnly: !write,
        timeoutMs: 120_000,
        hint: 'is e2fsprogs installed?',
      });
      if (r.exitCode !== 0)
        throw new HostError(
          `debugfs on ${this.spec} failed (exit ${r.exitCode}): ${errorLines(r.stderr).slice(-3).join('; ')}`,
          'set VLAB_GUEST_DISKS=libguestfs to use the appliance',
        );
      return { stdout: r.stdout, stderr: r.stderr };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The inode of each path (undefined for missing ones), in one debugfs run. */
  async stat(paths: string[]): Promise<Map<string, DebugfsEntry | undefined>> {
    const out = new Map<string, DebugfsEntry | undefined>();
    if (!paths.length) return out;
    const sections = splitOutput(
      (
        await this.script(
          paths.map((p) => `stat ${p}`),
          false,
        )
      ).stdout,
    );
    paths.forEach((p, i) => out.set(p, sections[i]?.command === `stat ${p}` ? parseStat(sections[i]!.output) : undefined));
    return out;
  }

  /** Runs a write script; throws with debugfs's messages when any command failed (its exit code says nothing). */
  async write(lines: string[]): Promise<void> {
    if (!lines.length) return;
    const { stderr } = await this.script(lines, true);
    const errors = errorLines(stderr);
    if (errors.length)
      throw new HostError(`debugfs could not write ${this.spec}:\n      ${errors.slice(0, 6).join('\n      ')}`, 'set VLAB_GUEST_DISKS=libguestfs to write through the appliance');
  }

  /** Copies guest files to host files (`dump`), in one run; missing ones are left out of the result. */
  async dump(files: { guest: string; host: string }[]): Promise<Set<string>> {
    if (!files.length) return new Set();
    await this.script(
      files.map((f) => `dump ${f.guest} ${f.host}`),
      false,
    );
    return new Set(files.filter((f) => fs.existsSync(f.host)).map((f) => f.guest));
  }

  /** Names in a directory (`ls -p`), without `.` and `..`; undefined when it does not exist. */
  async list(dir: string): Promise<string[] | undefined> {
    const { stdout } = await this.script([`ls -p ${dir}`], false);
    const out = splitOutput(stdout)[0]?.output ?? '';
    const names = out
      .split('\n')
      .map((l) => l.split('/'))
      .filter((f) => f.length >= 6)
      .map((f) => f[5]!)
      .filter((n) => n && n !== '.' && n !== '..');
    return out.trim() ? names : undefined;
  }
}
