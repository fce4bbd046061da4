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
import { HostError } from '../errors.js';
import type { GuestFile } from '../render/files.js';
import type { NetconfigKind } from '../spec/types.js';
import { detectAccel } from './accel.js';
import type { RunFn, RunResult } from './run.js';

/** The network configuration stack found in a guest image, and what showed it. */
export interface DetectedStack {
  stack: Exclude<NetconfigKind, 'auto'>;
  /** Paths found in the image, e.g. `/etc/netplan/50-cloud-init.yaml`. */
  evidence: string[];
}

/** What to do to one disk. */
export interface DiskJob {
  /** Absolute path of the disk (a qcow2 overlay). */
  disk: string;
  /** Files to write (parent directories are created; existing files are replaced). */
  files: GuestFile[];
  /** Guest paths to remove (missing ones are fine). */
  remove?: string[];
  /** Symlinks to make (e.g. enabling a systemd unit); existing ones are replaced. */
  links?: { path: string; target: string }[];
  /** Report which network stack the image uses. */
  detect?: boolean;
  /**
   * Called once the stack is known (implies detect), before anything is written to any disk;
   * returns more files to write. Throwing aborts the whole edit with nothing written.
   */
  render?: (detected: DetectedStack | undefined) => { files: GuestFile[]; remove?: string[]; links?: { path: string; target: string }[] };
}

/** Outcome for one disk. */
export interface DiskResult {
  disk: string;
  /** The filesystem that was mounted as the guest's root, e.g. /dev/sda or /dev/sdb1. */
  root?: string;
  /** Present when detection was asked for and found a stack. */
  detected?: DetectedStack;
}

/** Offline edits of guest disks. */
export interface GuestDisks {
  /**
   * Writes files into and removes paths from many disks in ONE libguestfs launch, optionally
   * detecting each image's network stack first. Results are in job order. Skipped in dry-run.
   */
  edit(jobs: DiskJob[]): Promise<DiskResult[]>;
}

// ---------------------------------------------------------------------------------------------
// Detection (pure)

/** Paths whose existence tells the stacks apart, checked in every image asked about. */
export const STACK_PROBES = [
  '/usr/sbin/NetworkManager',
  '/usr/bin/NetworkManager',
  '/etc/systemd/system/multi-user.target.wants/NetworkManager.service',
  '/etc/systemd/system/multi-user.target.wants/systemd-networkd.service',
  '/etc/network/interfaces',
  '/sbin/ifup',
  '/usr/sbin/ifup',
  '/etc/sysconfig/network-scripts',
  '/etc/cloud/cloud.cfg',
  '/usr/bin/cloud-init',
] as const;

/**
 * Decides the stack from what exists in the image. First match wins: netplan, NetworkManager
 * (binary and enabled unit), systemd-networkd (enabled), ifupdown (interfaces file or an ifup,
 * busybox's counts), ifcfg, cloud-init. Undefined when nothing matched.
 */
export function decideStack(exists: (p: string) => boolean, netplanFiles: string[]): DetectedStack | undefined {
  const nmBin = ['/usr/sbin/NetworkManager', '/usr/bin/NetworkManager'].filter(exists);
  const nmUnit = '/etc/systemd/system/multi-user.target.wants/NetworkManager.service';
  const networkd = '/etc/systemd/system/multi-user.target.wants/systemd-networkd.service';
  const ifupdown = ['/etc/network/interfaces', '/sbin/ifup', '/usr/sbin/ifup'].filter(exists);
  const ifcfg = '/etc/sysconfig/network-scripts';
  const cloud = ['/etc/cloud/cloud.cfg', '/usr/bin/cloud-init'];
  if (netplanFiles.length) return { stack: 'netplan', evidence: [...netplanFiles] };
  if (nmBin.length && exists(nmUnit)) return { stack: 'networkmanager', evidence: [...nmBin, nmUnit] };
  if (exists(networkd)) return { stack: 'networkd', evidence: [networkd] };
  if (ifupdown.length) return { stack: 'ifupdown', evidence: ifupdown };
  if (exists(ifcfg)) return { stack: 'ifcfg', evidence: [ifcfg] };
  if (cloud.every(exists)) return { stack: 'cloud-init', evidence: cloud };
  return undefined;
}

/** Parses `list-filesystems` output (`/dev/sda1: ext4` lines). */
export function parseFilesystems(out: string): { device: string; type: string }[] {
  return out
    .split('\n')
    .map((l) => /^(\S+): (\S+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ device: m[1]!, type: m[2]! }));
}

const ROOT_FS_TYPES = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'f2fs', 'jfs', 'reiserfs']);

/**
 * Filesystems on `device` (the device itself, or its partitions) that could hold a root
 * filesystem, whole device first, then partitions in number order.
 */
export function rootCandidates(device: string, filesystems: { device: string; type: string }[]): string[] {
  const partNo = (d: string): number | undefined => {
    if (d === device) return 0;
    const m = new RegExp(`^${device.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}p?(\\d+)$`).exec(d);
    return m ? Number(m[1]) : undefined;
  };
  return filesystems
    .filter((f) => ROOT_FS_TYPES.has(f.type) && partNo(f.device) !== undefined)
    .sort((a, b) => partNo(a.device)! - partNo(b.device)!)
    .map((f) => f.device);
}

/** The whole-disk device a root from `inspect-os` lives on (`/dev/sdb2` → `/dev/sdb`; `btrfsvol:/dev/sda4/root` → `/dev/sda`). */
export function deviceOfRoot(root: string): string | undefined {
  const m = /^(?:btrfsvol:)?(\/dev\/(?:sd[a-z]+|vd[a-z]+|hd[a-z]+))\d*(?:\/.*)?$/.exec(root);
  return m?.[1];
}

// ---------------------------------------------------------------------------------------------
// The guestfish session

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** PIDs of processes whose command line is exactly `argv` and that were not started by us directly. */
function findByCmdline(argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8') !== want) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) out.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Arguments that cannot be passed inside a `:`-chained guestfish command line. */
const unchainable = (a: string) => a === ':';

class GuestfishSession {
  private pid: number | undefined;
  private listen: Promise<RunResult> | undefined;
  private listenResult: RunResult | undefined;
  private readonly onExit = () => {
    if (this.pid !== undefined && alive(this.pid)) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  };

  constructor(
    private readonly run: RunFn,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts `guestfish --listen` on the disks and waits until its server accepts commands. */
  async start(disks: string[]): Promise<void> {
    const argv = ['guestfish', '--listen', '--rw'];
    for (const d of disks) argv.push(d.endsWith('.qcow2') ? '--format=qcow2' : '--format', '-a', d);
    const before = new Set(findByCmdline(argv));
    this.listen = this.run(argv, { env: this.env, allowFailure: true, hint: 'is libguestfs-tools installed?' });
    void this.listen.then((r) => (this.listenResult = r));
    process.once('exit', this.onExit);
    const sock = (pid: number) => `/tmp/.guestfish-${process.geteuid?.() ?? 0}/socket-${pid}`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const pid = findByCmdline(argv).find((p) => !before.has(p) && fs.existsSync(sock(p)));
      if (pid !== undefined) {
        this.pid = pid;
        return;
      }
      if (this.listenResult && (this.listenResult.exitCode !== 0 || this.listenResult.skipped)) break;
      await sleep(10);
    }
    const r = this.listenResult;
    throw new HostError(`libguestfs: \`guestfish --listen\` did not start${r ? ` (exit ${r.exitCode}): ${r.stderr.trim()}` : ' within 60 s'}`, 'check `libguestfs-test-tool`');
  }

  /**
   * Runs commands on the server: `cmds` are chained with `:` in one client. A command whose
   * name starts with `-` may fail without ending the session; any other failure ends it and
   * throws a HostError with libguestfs' messages.
   */
  async remote(cmds: string[][], what: string, timeoutMs = 300_000): Promise<string> {
    if (this.pid === undefined) throw new HostError('libguestfs: session not started');
    const args = cmds.flatMap((c, i) => (i === 0 ? c : [':', ...c]));
    const r = await this.run(['guestfish', `--remote=${this.pid}`, '--', ...args], { env: this.env, allowFailure: true, timeoutMs });
    if (r.exitCode === 0) return r.stdout;
    throw await this.failure(what, r.stderr);
  }

  private async failure(what: string, clientStderr: string): Promise<HostError> {
    // The server prints libguestfs' error on its own stderr and exits: collect it.
    const res = await Promise.race([this.listen, sleep(10_000).then(() => undefined)]);
    const serverErr = (res?.stderr ?? '').trim().split('\n').filter(Boolean).slice(-6);
    const client = clientStderr.trim().split('\n').filter(Boolean).slice(-2);
    return new HostError(`libguestfs: ${what} failed:\n      ${[...serverErr, ...client].join('\n      ') || '(no message)'}`, 'run with LIBGUESTFS_DEBUG=1 LIBGUESTFS_TRACE=1 for details, or check `libguestfs-test-tool`');
  }

  /** Ends the server: `exit`, then SIGTERM, then SIGKILL. Never throws. */
  async close(): Promise<void> {
    const pid = this.pid;
    try {
      if (pid !== undefined && alive(pid)) {
        await this.run(['guestfish', `--remote=${pid}`, '--', 'exit'], { env: this.env, allowFailure: true, timeoutMs: 60_000 });
        for (const [signal, waitMs] of [[undefined, 30_000], ['SIGTERM', 5_000], ['SIGKILL', 5_000]] as const) {
          if (signal && alive(pid)) {
            try {
              process.kill(pid, signal);
            } catch {
              /* gone */
            }
          }
          const deadline = Date.now() + waitMs;
          while (alive(pid) && Date.now() < deadline) await sleep(50);
          if (!alive(pid)) break;
        }
      }
      if (this.listen) await Promise.race([this.listen, sleep(5_000)]);
    } finally {
      process.removeListener('exit', this.onExit);
    }
  }
}

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
    if (jobs.length === 0 || this.dryRun) return jobs.map((j) => ({ disk: j.disk }));
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
      const results: DiskResult[] = jobs.map((j, i) => ({ disk: j.disk, root: roots[i]! }));

      // Detect first, render next: a render that throws leaves every disk untouched.
      for (const [i, j] of jobs.entries()) {
        if (!j.detect && !j.render) continue;
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
    const devices = devPart.split('\n').map((l) => l.trim()).filter(Boolean);
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
      const found = (await g.remote([['inspect-os']], 'inspecting the disks')).split('\n').map((l) => l.trim()).filter(Boolean);
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
        throw new HostError(`guest disk ${jobs[i]!.disk}: no filesystem with /etc found (filesystems: ${filesystems.map((f) => `${f.device} ${f.type}`).join(', ') || 'none'})`, 'is this a bootable Linux image?');
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
