/**
 * One `guestfish --listen` server and its clients (see guestfish-disks.ts for why the PID is
 * read from /proc). Every command goes through the runner's run().
 */
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import { HostError } from '../../errors.js';
import { isRunning } from '../proc.js';
import type { RunFn, RunResult } from '../run.js';

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
export const unchainable = (a: string) => a === ':';

/** A guestfish server on a set of disks; always close() it. */
export class GuestfishSession {
  private pid: number | undefined;
  private listen: Promise<RunResult> | undefined;
  private listenResult: RunResult | undefined;
  private readonly onExit = () => {
    if (this.pid !== undefined && isRunning(this.pid)) {
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
    return new HostError(
      `libguestfs: ${what} failed:\n      ${[...serverErr, ...client].join('\n      ') || '(no message)'}`,
      'run with LIBGUESTFS_DEBUG=1 LIBGUESTFS_TRACE=1 for details, or check `libguestfs-test-tool`',
    );
  }

  /** Ends the server: `exit`, then SIGTERM, then SIGKILL. Never throws. */
  async close(): Promise<void> {
    const pid = this.pid;
    try {
      if (pid !== undefined && isRunning(pid)) {
        await this.run(['guestfish', `--remote=${pid}`, '--', 'exit'], { env: this.env, allowFailure: true, timeoutMs: 60_000 });
        for (const [signal, waitMs] of [
          [undefined, 30_000],
          ['SIGTERM', 5_000],
          ['SIGKILL', 5_000],
        ] as const) {
          if (signal && isRunning(pid)) {
            try {
              process.kill(pid, signal);
            } catch {
              /* gone */
            }
          }
          const deadline = Date.now() + waitMs;
          while (isRunning(pid) && Date.now() < deadline) await sleep(50);
          if (!isRunning(pid)) break;
        }
      }
      if (this.listen) await Promise.race([this.listen, sleep(5_000)]);
    } finally {
      process.removeListener('exit', this.onExit);
    }
  }
}
