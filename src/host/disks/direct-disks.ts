/**
 * The direct path: each overlay exported as a raw file (qemu-storage-daemon FUSE export), its
 * ext2/3/4 root edited with ONE debugfs write script, then every written file read back
 * (content, mode, owner; symlink targets; removed paths absent) before the export closes. All
 * disks in parallel; milliseconds per disk instead of an appliance launch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostError } from '../../errors.js';
import type { RunFn } from '../run.js';
import { buildScript, pathsToStat, type DebugfsEntry } from './debugfs-script.js';
import { Debugfs, fsSpec } from './debugfs.js';
import { FuseExport } from './fuse-export.js';
import type { DiskJob, DiskResult, GuestDisks } from './types.js';

/** Test hook: VLAB_CRASH_IN_DISKS=exported SIGKILLs vlab once the exports are mounted (sandbox only). */
function crashHook(): void {
  if (process.env.VLAB_CRASH_IN_DISKS === 'exported' && process.env.VLAB_SANDBOX === '1') {
    fs.writeSync(2, 'VLAB_CRASH_IN_DISKS=exported: killing myself with the exports mounted\n');
    process.kill(process.pid, 'SIGKILL');
  }
}

export class DirectDisks implements GuestDisks {
  /** @param run the runner's run(); @param dryRun skip every edit */
  constructor(
    private readonly run: RunFn,
    private readonly dryRun: boolean,
  ) {}

  async edit(jobs: DiskJob[]): Promise<DiskResult[]> {
    if (this.dryRun || !jobs.length) return jobs.map((j) => ({ disk: j.disk, route: 'direct' }));
    for (const j of jobs) {
      if (j.route.kind !== 'direct') throw new HostError(`guest disk ${j.disk}: not on the direct route`);
      if (j.render) throw new HostError(`guest disk ${j.disk}: rendering after detection needs the libguestfs route`);
      if (!fs.existsSync(j.disk)) throw new HostError(`guest disk ${j.disk} does not exist`);
    }
    const exports: FuseExport[] = [];
    const killAll = () => exports.forEach((e) => e.pid && process.kill(e.pid, 'SIGTERM'));
    process.once('exit', killAll);
    try {
      for (const j of jobs) exports.push(await FuseExport.open(this.run, j.disk, { writable: true }));
      crashHook();
      await Promise.all(jobs.map((j, i) => this.editOne(j, exports[i]!)));
    } finally {
      await Promise.all(exports.map((e) => e.close()));
      process.removeListener('exit', killAll);
    }
    return jobs.map((j) => ({ disk: j.disk, route: 'direct' }));
  }

  /** Stat, write, read back — one disk. */
  private async editOne(j: DiskJob, exp: FuseExport): Promise<void> {
    if (j.route.kind !== 'direct') return;
    const dbg = new Debugfs(this.run, fsSpec(exp.raw, j.route.offsetBytes));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-direct-'));
    try {
      const files = j.files.map((f, k) => {
        const source = path.join(tmp, `in-${k}`);
        fs.writeFileSync(source, f.content, { mode: 0o600 });
        return { path: f.path, source, mode: f.mode, content: f.content };
      });
      const links = j.links ?? [];
      const remove = j.remove ?? [];
      const existing = await dbg.stat(pathsToStat(files, links, remove));
      await dbg.write(buildScript({ files, links, remove }, existing, j.disk));
      await this.verify(
        dbg,
        j.disk,
        tmp,
        files,
        links,
        remove.filter((p) => !files.some((f) => f.path === p) && !links.some((l) => l.path === p)),
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** Reads everything back; throws naming the first differences. */
  private async verify(
    dbg: Debugfs,
    disk: string,
    tmp: string,
    files: { path: string; mode: number; content: string }[],
    links: { path: string; target: string }[],
    removed: string[],
  ): Promise<void> {
    const after = await dbg.stat([...files.map((f) => f.path), ...links.map((l) => l.path), ...removed]);
    const back = files.map((f, k) => ({ guest: f.path, host: path.join(tmp, `out-${k}`) }));
    await dbg.dump(back);
    const problems: string[] = [];
    const is = (p: string, e: DebugfsEntry | undefined, type: string) => {
      if (!e) problems.push(`${p}: missing after the write`);
      else if (e.type !== type) problems.push(`${p}: is a ${e.type}, expected a ${type}`);
      return e?.type === type;
    };
    files.forEach((f, k) => {
      const e = after.get(f.path);
      if (!is(f.path, e, 'regular')) return;
      if (e!.mode !== (f.mode & 0o7777)) problems.push(`${f.path}: mode ${e!.mode.toString(8)}, expected ${(f.mode & 0o7777).toString(8)}`);
      if (e!.uid !== 0 || e!.gid !== 0) problems.push(`${f.path}: owner ${e!.uid}:${e!.gid}, expected 0:0`);
      let got: Buffer | undefined;
      try {
        got = fs.readFileSync(back[k]!.host);
      } catch {
        got = undefined;
      }
      if (!got || !got.equals(Buffer.from(f.content)))
        problems.push(`${f.path}: content differs (${got?.length ?? 'no'} bytes read back, ${Buffer.byteLength(f.content)} written)`);
    });
    for (const l of links) {
      const e = after.get(l.path);
      if (is(l.path, e, 'symlink') && e!.target !== undefined && e!.target !== l.target) problems.push(`${l.path}: points at ${e!.target}, expected ${l.target}`);
    }
    for (const p of removed) if (after.get(p)) problems.push(`${p}: still there after removal`);
    if (problems.length)
      throw new HostError(
        `guest disk ${disk}: the direct write did not take:\n      ${problems.slice(0, 8).join('\n      ')}`,
        'set VLAB_GUEST_DISKS=libguestfs to write through the appliance, and report this',
      );
  }
}
