/** The machine-readable report of `vlab verify --json`. Pure. See docs/verify.md for the format. */
import type { Lab } from '../spec/types.js';
import { allPassed, summarize, type CheckResult, type VerifySummary } from './result.js';

export interface VerifyJsonCheck {
  from: string;
  to: string;
  address: string;
  expect: 'reachable' | 'unreachable';
  reachable: boolean;
  ok: boolean;
  sent: number;
  received: number;
  rttMs: { min: number; avg: number; max: number } | null;
  reason: string | null;
}

export interface VerifyJson {
  lab: string;
  ok: boolean;
  checks: VerifyJsonCheck[];
  summary: VerifySummary;
}

/** The report as a plain object with exactly the documented fields, in the documented order. */
export function toJson(lab: Lab, results: readonly CheckResult[]): VerifyJson {
  return {
    lab: lab.name,
    ok: allPassed(results),
    checks: results.map((r) => ({
      from: r.from,
      to: r.to,
      address: r.address,
      expect: r.expect,
      reachable: r.reachable,
      ok: r.ok,
      sent: r.sent,
      received: r.received,
      rttMs: r.rttMs ? { min: r.rttMs.min, avg: r.rttMs.avg, max: r.rttMs.max } : null,
      reason: r.reason ?? null,
    })),
    summary: summarize(results),
  };
}

/** toJson, serialised with two-space indentation and a final newline. */
export function renderJson(lab: Lab, results: readonly CheckResult[]): string {
  return JSON.stringify(toJson(lab, results), null, 2) + '\n';
}
