/** The outcome of checks, and how they add up. Pure. */
import type { Check } from './checks.js';
import type { PingStats } from './ping-parse.js';

export interface CheckResult extends Check {
  /** At least one echo reply came back. */
  reachable: boolean;
  /** The outcome matched the expectation (always false when the check could not run). */
  ok: boolean;
  sent: number;
  received: number;
  rttMs?: { min: number; avg: number; max: number };
  /**
   * Why the address was not reachable ('no reply', 'no route', 'host unreachable', ping's error),
   * why the check could not run ('guest not running', 'agent not answering' / 'ssh not answering', 'exec failed: ...'),
   * or, for a reachable address expected unreachable, 'reachable (N/M replies)'.
   */
  reason?: string;
  /** True when the check could not run at all (guest down, agent silent, exec failed). */
  notRun?: boolean;
}

export interface VerifySummary {
  total: number;
  passed: number;
  failed: number;
}

/** The result of a check whose ping ran and printed `ping`. */
export function resultFromPing(check: Check, ping: PingStats): CheckResult {
  const reachable = ping.received > 0;
  const ok = reachable === (check.expect === 'reachable');
  const result: CheckResult = { ...check, reachable, ok, sent: ping.sent, received: ping.received };
  if (ping.rttMs) result.rttMs = { ...ping.rttMs };
  if (!reachable) result.reason = ping.reason ?? 'no reply';
  else if (!ok) result.reason = `reachable (${ping.received}/${ping.sent} replies)`;
  return result;
}

/** The result of a check that could not run: it fails whatever it expected. */
export function notRunResult(check: Check, reason: string): CheckResult {
  return { ...check, reachable: false, ok: false, sent: 0, received: 0, reason, notRun: true };
}

export function summarize(results: readonly CheckResult[]): VerifySummary {
  const passed = results.filter((r) => r.ok).length;
  return { total: results.length, passed, failed: results.length - passed };
}

/** True when every check passed (also when there were none). */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.ok);
}
