/**
 * Runs the checks inside the guests: one exec per source guest, all guests at once. The only
 * part of src/verify that touches the outside world, and only through the injected deps.
 */
import type { GuestExec } from '../host/guest-exec.types.js';
import type { Lab, LabGuest } from '../spec/types.js';
import type { Check } from './checks.js';
import { parsePingOutput, parseScriptOutput, scriptError } from './ping-parse.js';
import { pingDeadlineSec, renderPingScript } from './ping-script.js';
import { notRunResult, resultFromPing, type CheckResult } from './result.js';

export interface RunChecksDeps {
  exec: GuestExec;
  /** libvirt domain name of a guest. */
  domainName: (guest: LabGuest) => string;
  /** libvirt domain state of a guest: 'running', 'shut off', ... */
  guestState: (guest: LabGuest) => Promise<'running' | string>;
}

export interface RunChecksOptions {
  /** Deadline of each ping, in seconds. */
  timeoutSec: number;
  /** How long to wait for the transport to answer before running the script; default 10 s. */
  agentTimeoutMs?: number;
}

/** Extra time the exec gets on top of the ping deadline (transport and script overhead). */
export const EXEC_GRACE_MS = 15_000;

/** The exec timeout for one guest's script. */
export function execTimeoutMs(timeoutSec: number): number {
  return pingDeadlineSec(timeoutSec) * 1000 + EXEC_GRACE_MS;
}

/** Runs every check and returns one result per check, in the order given. Never throws for a guest problem. */
export async function runChecks(lab: Lab, checks: readonly Check[], deps: RunChecksDeps, opts: RunChecksOptions): Promise<CheckResult[]> {
  const byGuest = new Map<string, Check[]>();
  for (const c of checks) {
    const list = byGuest.get(c.from) ?? [];
    list.push(c);
    byGuest.set(c.from, list);
  }
  const results = new Map<string, CheckResult>();
  await Promise.all(
    [...byGuest].map(async ([name, guestChecks]) => {
      const guest = lab.guests.find((g) => g.name === name);
      const out = guest ? await runGuest(guest, guestChecks, deps, opts) : guestChecks.map((c) => notRunResult(c, `unknown guest '${name}'`));
      for (const r of out) results.set(r.id, r);
    }),
  );
  return checks.map((c) => results.get(c.id) ?? notRunResult(c, 'no result'));
}

async function runGuest(guest: LabGuest, checks: Check[], deps: RunChecksDeps, opts: RunChecksOptions): Promise<CheckResult[]> {
  const fail = (reason: string): CheckResult[] => checks.map((c) => notRunResult(c, reason));

  let state: string;
  try {
    state = await deps.guestState(guest);
  } catch (err) {
    return fail(`guest state unknown: ${firstLine(err)}`);
  }
  if (state !== 'running') return fail('guest not running');

  const domain = deps.domainName(guest);
  const answers = await deps.exec.ping(domain, opts.agentTimeoutMs ?? 10_000).catch(() => false);
  if (!answers) return fail(`${deps.exec.transport?.(domain) ?? 'agent'} not answering`);

  const argv = renderPingScript(checks, { timeoutSec: opts.timeoutSec });
  let stdout: string;
  try {
    const res = await deps.exec.exec(domain, argv, { timeoutMs: execTimeoutMs(opts.timeoutSec) });
    stdout = res.stdout;
    const error = scriptError(res.stdout);
    if (error) return fail(`exec failed: ${error}`);
    if (res.exitCode !== 0 && parseScriptOutput(res.stdout).size === 0) {
      const detail = res.stderr.trim().split('\n')[0] || res.stdout.trim().split('\n')[0] || '';
      return fail(`exec failed: exit ${res.exitCode}${detail ? `: ${detail}` : ''}`);
    }
  } catch (err) {
    return fail(`exec failed: ${firstLine(err)}`);
  }

  const blocks = parseScriptOutput(stdout);
  return checks.map((c) => {
    const block = blocks.get(c.id);
    if (!block) return notRunResult(c, 'exec failed: no result in the guest script output');
    return resultFromPing(c, parsePingOutput(block.output));
  });
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.trim().split('\n')[0] ?? '';
}
