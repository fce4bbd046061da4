/**
 * Runs commands inside guests through the qemu guest agent (`guest-exec`, then polling
 * `guest-exec-status`), via libvirt. Needs qemu-guest-agent running in the guest and vlab's
 * org.qemu.guest_agent.0 channel in the domain.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HostError } from '../errors.js';
import type { ExecResult, GuestExec } from './guest-exec.types.js';
import type { Libvirt } from './libvirt/index.js';

/** `guest-exec-status` as qemu-ga returns it. */
export interface GuestExecStatus {
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string;
  'err-data'?: string;
  'out-truncated'?: boolean;
  'err-truncated'?: boolean;
}

/** The `guest-exec` command for argv (qemu-ga schema: `path`, `arg`, `input-data` base64, `capture-output`). */
export function guestExecCommand(argv: string[], stdin?: string): { execute: 'guest-exec'; arguments: Record<string, unknown> } {
  const [path, ...arg] = argv;
  if (!path) throw new HostError('guest exec: empty command');
  const args: Record<string, unknown> = { path, arg, 'capture-output': true };
  if (stdin !== undefined) args['input-data'] = Buffer.from(stdin, 'utf8').toString('base64');
  return { execute: 'guest-exec', arguments: args };
}

/** Turns a finished `guest-exec-status` into an ExecResult (a signal becomes exit 128+N, as in a shell). */
export function execResult(s: GuestExecStatus): ExecResult {
  const decode = (b64: string | undefined) => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : '');
  const exitCode = s.exitcode ?? (s.signal !== undefined ? 128 + s.signal : -1);
  let stderr = decode(s['err-data']);
  if (s['out-truncated'] || s['err-truncated']) stderr += '\n[vlab: output truncated by the guest agent]';
  return { exitCode, stdout: decode(s['out-data']), stderr };
}

/** GuestExec through the qemu guest agent. */
export class AgentExec implements GuestExec {
  constructor(private readonly libvirt: Pick<Libvirt, 'agentCommand'>) {}

  async exec(domain: string, argv: string[], opts: { timeoutMs?: number; stdin?: string } = {}): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const callSec = () => Math.max(1, Math.min(10, Math.ceil((deadline - Date.now()) / 1000)));
    const started = (await this.libvirt.agentCommand(domain, guestExecCommand(argv, opts.stdin), callSec())) as { pid?: unknown } | undefined;
    const pid = started?.pid;
    if (typeof pid !== 'number') throw new HostError(`guest ${domain}: guest-exec returned no pid: ${JSON.stringify(started)}`);
    let wait = 20;
    for (;;) {
      const s = (await this.libvirt.agentCommand(domain, { execute: 'guest-exec-status', arguments: { pid } }, callSec())) as GuestExecStatus;
      if (s?.exited) return execResult(s);
      if (Date.now() >= deadline) {
        throw new HostError(
          `guest ${domain}: \`${argv.join(' ')}\` still running after ${timeoutMs} ms (guest pid ${pid})`,
          'raise the timeout, or check the guest is not overloaded',
        );
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 250);
    }
  }

  async ping(domain: string, timeoutMs = 5000): Promise<boolean> {
    try {
      await this.libvirt.agentCommand(domain, { execute: 'guest-ping' }, Math.max(1, Math.ceil(timeoutMs / 1000)));
      return true;
    } catch {
      return false;
    }
  }

  transport(): string {
    return 'agent';
  }
}
