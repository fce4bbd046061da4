/**
 * A qcow2 image exported as a raw file through qemu-storage-daemon's FUSE export (QEMU >= 6.0),
 * so e2fsprogs can read and write the filesystem inside without libguestfs' appliance. The
 * daemon's pid file and the mountpoint live next to the image (`IMAGE.vlab-export.raw`,
 * `IMAGE.vlab-export.pid`): a killed vlab leaves them where `cleanupExports` finds them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import path from 'node:path';
import { HostError } from '../../errors.js';
import { isRunning } from '../proc.js';
import type { RunFn } from '../run.js';

const SUFFIX = '.vlab-export';

/** Where the export of `image` is mounted and its daemon's pid file (pure). */
export function exportPaths(image: string, dir = path.dirname(image)): { raw: string; pid: string } {
  const base = path.join(dir, path.basename(image) + SUFFIX);
  return { raw: `${base}.raw`, pid: `${base}.pid` };
}

/** An open export; close() it (a daemon left running holds the image). */
export class FuseExport {
  private constructor(
    private readonly run: RunFn,
    readonly raw: string,
    private readonly pidFile: string,
    readonly pid: number,
  ) {}

  /**
   * Exports `image` (qcow2) as a raw file. `writable` false opens the image read-only with
   * force-share, so a base that running guests use can be read. `dir` holds the mountpoint
   * (default: the image's folder).
   */
  static async open(run: RunFn, image: string, opts: { writable: boolean; dir?: string }): Promise<FuseExport> {
    const { raw, pid } = exportPaths(image, opts.dir);
    await cleanupExport(run, raw, pid); // a previous run's, killed mid-edit
    fs.writeFileSync(raw, '', { mode: 0o600 });
    const ro = opts.writable ? '' : ',read-only=on,force-share=on';
    const argv = [
      'qemu-storage-daemon',
      '--blockdev',
      `driver=file,node-name=file0,filename=${image}${ro}`,
      '--blockdev',
      `driver=qcow2,node-name=fmt0,file=file0${ro}`,
      '--export',
      `type=fuse,id=exp0,node-name=fmt0,mountpoint=${raw},writable=${opts.writable ? 'on' : 'off'}`,
      '--pidfile',
      pid,
      '--daemonize',
    ];
    const r = await run(argv, { allowFailure: true, readOnly: !opts.writable, timeoutMs: 30_000, hint: 'is qemu-utils (qemu-storage-daemon) installed, and /dev/fuse usable?' });
    if (r.skipped) return new FuseExport(run, raw, pid, 0);
    if (r.exitCode !== 0) {
      fs.rmSync(raw, { force: true });
      throw new HostError(
        `qemu-storage-daemon could not export ${image}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`,
        'check that /dev/fuse exists and qemu-storage-daemon (QEMU >= 6.0) is installed; VLAB_GUEST_DISKS=libguestfs uses the appliance instead',
      );
    }
    const daemon = Number(fs.readFileSync(pid, 'utf8').trim());
    return new FuseExport(run, raw, pid, daemon);
  }

  /** Stops the daemon (which unmounts and flushes the image) and removes the mountpoint file. */
  async close(): Promise<void> {
    await cleanupExport(this.run, this.raw, this.pidFile);
  }
}

function isDaemon(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('qemu-storage-daemon');
  } catch {
    return false;
  }
}

/** FUSE mounts whose mountpoint is `p` or lies under it (/proc/self/mountinfo). */
export function fuseMountsUnder(p: string): string[] {
  let info = '';
  try {
    info = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return info
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length > 9 && /^fuse/.test(f[f.indexOf('-') + 1] ?? ''))
    .map((f) => f[4]!.replace(/\\040/g, ' '))
    .filter((mp) => mp === p || mp.startsWith(p.endsWith('/') ? p : p + '/'));
}

/** Stops one export's daemon (TERM, then KILL), unmounts a stale FUSE mount, removes its files. Never throws for what is already gone. */
async function cleanupExport(run: RunFn, raw: string, pidFile: string): Promise<void> {
  let pid: number | undefined;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    pid = undefined;
  }
  if (pid && isDaemon(pid)) {
    for (const [signal, waitMs] of [
      ['SIGTERM', 5000],
      ['SIGKILL', 3000],
    ] as const) {
      if (!isRunning(pid)) break;
      try {
        process.kill(pid, signal);
      } catch {
        break;
      }
      const end = Date.now() + waitMs;
      while (isRunning(pid) && Date.now() < end) await sleep(20);
    }
  }
  if (fuseMountsUnder(raw).length) await run(['umount', '-l', raw], { allowFailure: true });
  fs.rmSync(pidFile, { force: true });
  fs.rmSync(raw, { force: true });
}

/** The exports a killed vlab left in `dir`, without touching them: mountpoint, live daemon pid, whether mounted. */
export function exportDaemons(dir: string): { raw: string; pid?: number; mounted: boolean }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    names = [];
  }
  const bases = new Set(names.filter((n) => n.includes(SUFFIX)).map((n) => n.slice(0, n.indexOf(SUFFIX) + SUFFIX.length)));
  for (const mp of fuseMountsUnder(dir)) if (mp.includes(SUFFIX)) bases.add(path.basename(mp).slice(0, path.basename(mp).indexOf(SUFFIX) + SUFFIX.length));
  return [...bases].map((base) => {
    const raw = path.join(dir, `${base}.raw`);
    let pid: number | undefined;
    try {
      pid = Number(fs.readFileSync(path.join(dir, `${base}.pid`), 'utf8').trim());
    } catch {
      pid = undefined;
    }
    return { raw, ...(pid && isDaemon(pid) ? { pid } : {}), mounted: fuseMountsUnder(raw).length > 0 };
  });
}

/**
 * Everything a killed vlab left in `dir` (a lab's disks folder): export daemons found by their pid
 * files (killed only when the pid really is a qemu-storage-daemon), stale FUSE mounts, mountpoint
 * files. Returns one line per export cleaned.
 */
export async function cleanupExports(run: RunFn, dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const bases = new Set(names.filter((n) => n.includes(SUFFIX)).map((n) => n.slice(0, n.indexOf(SUFFIX) + SUFFIX.length)));
  for (const mp of fuseMountsUnder(dir)) if (mp.includes(SUFFIX)) bases.add(path.basename(mp).slice(0, path.basename(mp).indexOf(SUFFIX) + SUFFIX.length));
  const done: string[] = [];
  for (const base of bases) {
    await cleanupExport(run, path.join(dir, `${base}.raw`), path.join(dir, `${base}.pid`));
    done.push(`disk export ${path.join(dir, base)} (from an interrupted up): stopped and unmounted`);
  }
  return done;
}
