/**
 * Test-only helpers around virsh and the qemu guest agent (argv arrays, no shell).
 */
import { execa } from 'execa';
import { sleep } from './env.js';

export const URI = process.env.LIBVIRT_DEFAULT_URI ?? 'qemu:///system';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `virsh -c URI ARGS...`; throws (with virsh's stderr) when it fails. */
export async function virsh(args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const r = await execa('virsh', ['-c', URI, ...args], { timeout: opts.timeoutMs ?? 60_000 });
  return r.stdout;
}

/** Sends one guest agent command (QMP-style object); returns its `return` value. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- agent replies are free-form JSON read by each test
export async function agentCommand(dom: string, cmd: object, timeoutSec = 10): Promise<any> {
  const out = await virsh(['qemu-agent-command', '--timeout', String(timeoutSec), dom, JSON.stringify(cmd)], {
    timeoutMs: (timeoutSec + 10) * 1000,
  });
  return JSON.parse(out).return;
}

/**
 * Runs argv in the guest through guest-exec (QGA's arguments are `path` and `arg`) and waits for
 * it, polling guest-exec-status. A command killed by signal N gets exit code 128+N.
 */
export async function agentExec(dom: string, argv: string[], opts: { timeoutMs?: number; stdin?: string } = {}): Promise<ExecResult> {
  const [path, ...arg] = argv;
  if (!path) throw new Error('agentExec: empty argv');
  const args: Record<string, unknown> = { path, arg, 'capture-output': true };
  if (opts.stdin !== undefined) args['input-data'] = Buffer.from(opts.stdin).toString('base64');
  const { pid } = await agentCommand(dom, { execute: 'guest-exec', arguments: args });
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const st = await agentCommand(dom, { execute: 'guest-exec-status', arguments: { pid } });
    if (st.exited) {
      const decode = (b?: string) => (b ? Buffer.from(b, 'base64').toString('utf8') : '');
      return {
        exitCode: typeof st.exitcode === 'number' ? st.exitcode : 128 + (st.signal ?? 0),
        stdout: decode(st['out-data']),
        stderr: decode(st['err-data']),
      };
    }
    if (Date.now() > deadline) throw new Error(`agentExec ${dom}: ${argv.join(' ')} still running after ${opts.timeoutMs ?? 30_000} ms`);
    await sleep(100);
  }
}

/** Waits until the guest agent answers guest-ping; returns the milliseconds waited. */
export async function waitForAgent(dom: string, timeoutMs = 90_000): Promise<number> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    try {
      await agentCommand(dom, { execute: 'guest-ping' }, 2);
      return Date.now() - t0;
    } catch (e) {
      last = (e as { stderr?: string }).stderr ?? String(e);
      await sleep(200);
    }
  }
  throw new Error(`guest agent of ${dom} did not answer within ${timeoutMs} ms: ${last.trim()}`);
}

/** Destroys (if running) and undefines a domain; never throws. */
export async function removeDomain(dom: string): Promise<void> {
  await execa('virsh', ['-c', URI, 'destroy', dom], { reject: false, timeout: 30_000 });
  await execa('virsh', ['-c', URI, 'undefine', dom], { reject: false, timeout: 30_000 });
}
