/**
 * Edits guest disks offline with libguestfs: every disk of a `vlab up` in ONE appliance launch
 * (a launch costs ~12 s under TCG whatever it does).
 *
 * How: `guestfish --listen --rw -a D1 -a D2 ...` starts a server; each operation is a
 * `guestfish --remote=PID -- CMD ...` client (several commands chained with `:` in one client),
 * all through run(). The server is always told to `exit`, and killed if it does not.
 *
 * Why the PID is read from /proc: `guestfish --listen` forks a server that keeps the listen
 * command's stderr open (stdout is handed over, stderr is not), so run() of the listen command
 * only settles when the server exits. vlab therefore does not await it: it finds the server by
 * its exact command line (the parent prints GUESTFISH_PID, which run() only returns at the end)
 * and awaits the listen command last. Its stderr then holds libguestfs' error messages, which
 * go into the HostError when an operation fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostError } from '../../errors.js';
import { detectAccel } from '../accel.js';
import type { RunFn } from '../run.js';
import { decideStack, deviceOfRoot, parseFilesystems, rootCandidates, STACK_PROBES } from './detect-stack.js';
import { GuestfishSession, unchainable } from './guestfish-session.js';
import type { DetectedStack, DiskJob, DiskResult, GuestDisks } from './types.js';

// ---------------------------------------------------------------------------------------------

/** Largest argv (bytes) of one chained client; bigger batches are split. */
const MAX_BATCH_BYTES = 256 * 1024;
/** Files bigger than this are uploaded from a temp file instead of passed as an argument. */
const MAX_INLINE_BYTES = 64 * 1024;

/** GuestDisks through guestfish --listen / --remote. */
export class GuestfishDisks implements GuestDisks {
  private readonly kvm: () => boolean;

  private readonly run: RunFn;
  private readonly dryRun: boolean;

  /** @param opts.run the runner's run(); opts.kvm whether KVM works (default: detectAccel()); without it the appliance runs under TCG. */
  constructor(opts: { run: RunFn; dryRun: boolean; kvm?: boolean }) {
    this.run = opts.run;
    this.dryRun = opts.dryRun;
    this.kvm = () => opts.kvm ?? detectAccel().kvm;
  }

  private env(): Record<string, string> {
    const env: Record<string, string> = { LIBGUESTFS_BACKEND: process.env.LIBGUESTFS_BACKEND || 'direct' };
    if (!this.kvm() && !process.env.LIBGUESTFS_BACKEND_SETTINGS) env.LIBGUESTFS_BACKEND_SETTINGS = 'force_tcg';
    return env;
  }

  async edit(jobs: DiskJob[]): Promise<DiskResult[]> {
    if (jobs.length === 0 || this.dryRun) return jobs.map((j) => ({ disk: j.disk, route: 'libguestfs' }));
    for (const j of jobs) {
      if (!path.isAbsolute(j.disk)) throw new HostError(`guest disk ${j.disk}: not an absolute path`);
      if (!fs.existsSync(j.disk)) throw new HostError(`guest disk ${j.disk} does not exist`);
    }
    const g = new GuestfishSession(this.run, this.env());
    let tmp: string | undefined;
    try {
      await g.start(jobs.map((j) => j.disk));
      await g.remote([['run']], 'launching the appliance', 600_000);
      const roots = await this.findRoots(g, jobs);
      const results: DiskResult[] = jobs.map((j, i) => ({ disk: j.disk, route: 'libguestfs', root: roots[i]! }));

      // Detect first, render next: a render that throws leaves every disk untouched.
      for (const [i, j] of jobs.entries()) {
        if (!j.render) continue;
        const detected = await this.detect(g, roots[i]!, j.disk);
        if (detected) results[i]!.detected = detected;
      }
      const rendered = jobs.map((j, i) => (j.render ? j.render(results[i]!.detected) : undefined));
      const files = jobs.map((j, i) => [...j.files, ...(rendered[i]?.files ?? [])]);

      for (const [i, j] of jobs.entries()) {
        const ops: string[][] = [];
        for (const f of files[i]!) {
          if (!path.posix.isAbsolute(f.path)) throw new HostError(`guest file ${f.path}: not an absolute path`);
          ops.push(['mkdir-p', path.posix.dirname(f.path)]);
          if (Buffer.byteLength(f.content) > MAX_INLINE_BYTES || unchainable(f.content)) {
            tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-guestfs-'));
            const local = path.join(tmp, `f${i}-${ops.length}`);
            fs.writeFileSync(local, f.content, { mode: 0o600 });
            ops.push(['upload', local, f.path]);
          } else {
            ops.push(['write', f.path, f.content]);
          }
          ops.push(['chmod', '0' + (f.mode & 0o7777).toString(8), f.path]);
        }
        for (const p of [...(j.remove ?? []), ...(rendered[i]?.remove ?? [])]) ops.push(['rm-f', p]);
        for (const l of [...(j.links ?? []), ...(rendered[i]?.links ?? [])]) ops.push(['mkdir-p', path.posix.dirname(l.path)], ['ln-sf', l.target, l.path]);
        if (!ops.length) continue;
        await g.remote([['mount', roots[i]!, '/']], `mounting ${roots[i]} of ${j.disk}`);
        for (const batch of batches(ops)) await g.remote(batch, `writing files into ${j.disk}`);
        await g.remote([['umount-all']], `unmounting ${j.disk}`);
      }
      await g.remote([['sync']], 'sync');
      await g.remote([['umount-all']], 'unmounting');
      return results;
    } finally {
      await g.close();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** The root filesystem of each job's disk: a filesystem holding /etc, else what inspect-os says. */
  private async findRoots(g: GuestfishSession, jobs: DiskJob[]): Promise<string[]> {
    const out = await g.remote([['list-devices'], ['echo', '--'], ['list-filesystems']], 'listing filesystems');
    const [devPart = '', fsPart = ''] = out.split(/^--$/m);
    const devices = devPart
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (devices.length !== jobs.length) throw new HostError(`libguestfs: expected ${jobs.length} disks in the appliance, found ${devices.length}`);
    const filesystems = parseFilesystems(fsPart);
    const roots: (string | undefined)[] = [];
    for (const dev of devices) {
      let root: string | undefined;
      for (const cand of rootCandidates(dev, filesystems)) {
        const probe = await g.remote([['-mount-ro', cand, '/'], ['-is-dir', '/etc'], ['-umount-all']], `probing ${cand}`);
        if (probe.split('\n')[0]?.trim() === 'true') {
          root = cand;
          break;
        }
      }
      roots.push(root);
    }
    if (roots.some((r) => r === undefined)) {
      // Slower (seconds under TCG), but knows btrfs subvolumes and LVM.
      const found = (await g.remote([['inspect-os']], 'inspecting the disks'))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const unmatched = found.filter((r) => !roots.includes(r));
      for (const [i, dev] of devices.entries()) {
        if (roots[i] !== undefined) continue;
        const own = unmatched.filter((r) => deviceOfRoot(r) === dev);
        if (own.length === 1) roots[i] = own[0];
      }
      const missing = roots.flatMap((r, i) => (r === undefined ? [i] : []));
      const unplaced = unmatched.filter((r) => !roots.includes(r) && deviceOfRoot(r) === undefined);
      if (missing.length === 1 && unplaced.length === 1) roots[missing[0]!] = unplaced[0];
    }
    return roots.map((r, i) => {
      if (r === undefined) {
        throw new HostError(
          `guest disk ${jobs[i]!.disk}: no filesystem with /etc found (filesystems: ${filesystems.map((f) => `${f.device} ${f.type}`).join(', ') || 'none'})`,
          'is this a bootable Linux image?',
        );
      }
      return r;
    });
  }

  private async detect(g: GuestfishSession, root: string, disk: string): Promise<DetectedStack | undefined> {
    const cmds: string[][] = [['mount-ro', root, '/'], ...STACK_PROBES.map((p) => ['exists', p]), ['glob-expand', '/etc/netplan/*.yaml'], ['umount-all']];
    const lines = (await g.remote(cmds, `detecting the network stack of ${disk}`)).split('\n').map((l) => l.trim());
    const found = new Set(STACK_PROBES.filter((_, k) => lines[k] === 'true'));
    const netplan = lines.slice(STACK_PROBES.length).filter((l) => l.startsWith('/'));
    return decideStack((p) => found.has(p as (typeof STACK_PROBES)[number]), netplan);
  }
}

/** Splits operations into chained clients of bounded argv size. */
function batches(ops: string[][]): string[][][] {
  const out: string[][][] = [];
  let cur: string[][] = [];
  let size = 0;
  for (const op of ops) {
    const n = op.reduce((s, a) => s + Buffer.byteLength(a) + 2, 0);
    if (cur.length && size + n > MAX_BATCH_BYTES) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(op);
    size += n;
  }
  if (cur.length) out.push(cur);
  return out;
}
