/**
 * Steps that bring guests of an up lab back (snapshot restore, warm and cold reset): timed
 * phases, the host side repaired first as `up` would make it, and readiness confirmed again.
 */
import { gatherLabFacts, labHosts, type LabHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import { sshKeysOf } from '../host/lab-exec.js';
import { planLab } from '../plan/planner.js';
import type { Action, Plan } from '../plan/types.js';
import { consoleLogPath } from '../plan/paths.js';
import type { LabState, StateStore } from '../state/store.js';
import { HostError } from '../errors.js';
import { applyUp } from '../apply/up.js';
import type { Progress } from '../apply/progress.js';
import { hostSideRepair, reattachTaps } from '../apply/repair.js';
import type { Lab } from '../spec/types.js';
import { waitReady, type ReadyResult } from '../apply/readiness.js';

export type Timed = <T>(title: string, work: () => Promise<T>, summary: (t: T) => string) => Promise<T>;

/** A runner of named phases that records each phase's time in `phases`. */
export function phaseTimer(progress: Progress, phases: { title: string; seconds: number }[]): Timed {
  return async (title, work, summary) => {
    const s = performance.now();
    progress.phase(title);
    try {
      const out = await work();
      progress.succeed(summary(out));
      phases.push({ title, seconds: (performance.now() - s) / 1000 });
      return out;
    } catch (e) {
      progress.fail();
      throw e;
    }
  };
}

/** Progress for a nested step: its phases become updates of the current phase. */
export function quiet(p: Progress): Progress {
  return { phase: (t) => p.update(t), update: (t) => p.update(t), succeed() {}, fail() {}, line: (t) => p.line(t) };
}

export interface RepairContext {
  host: Host;
  root: string;
  store: StateStore;
  state: LabState;
  progress: Progress;
  timed: Timed;
  readyTimeoutSec: number;
  /** Guest actions the caller makes itself (cold reset: the running disks it replaces). */
  alsoDone?: (a: Action) => boolean;
}

/** Makes again what the lab's host side lacks (bridge, addresses, rules, forwarding, networks); returns the lab's plan and what was repaired. */
export async function repairHostSide(ctx: RepairContext): Promise<{ plan: Plan; repaired: string[] }> {
  const lab = ctx.state.spec;
  const hosts = labHosts(lab, ctx.host);
  const facts = await gatherLabFacts(lab, hosts, ctx.host, ctx.root, {});
  const full = await planLab(lab, facts);
  const plan = hostSideRepair({ ...full, actions: full.actions.map((a) => (ctx.alsoDone?.(a) ? { ...a, satisfied: true } : a)) });
  const todo = plan.actions.filter((a) => !a.satisfied && a.kind !== 'domain.start' && a.kind !== 'guest.ready');
  if (todo.length) {
    const repairPlan = { ...plan, actions: plan.actions.map((a) => (todo.includes(a) ? a : { ...a, satisfied: true })) };
    await ctx.timed(
      'Repairing the host side',
      () =>
        applyUp({
          lab,
          plan: repairPlan,
          host: hosts.routed,
          ...(Object.keys(hosts.remotes).length ? { hostOf: (name: string | undefined) => hosts.of(name) } : {}),
          store: ctx.store,
          state: ctx.state,
          progress: quiet(ctx.progress),
          readyTimeoutSec: ctx.readyTimeoutSec,
        }),
      () => `${todo.length} change${todo.length === 1 ? '' : 's'}`,
    );
  }
  return { plan, repaired: todo.map((a) => a.description) };
}

/** Waits until each guest answers with its planned addresses on their MACs, printing a line per guest. */
export async function confirmReady(
  host: Host,
  store: StateStore,
  state: LabState,
  plan: Plan,
  guests: { guest: string; domain: string }[],
  opts: { timeoutSec: number; progress: Progress; before?: (exec: ReturnType<Host['labExec']>, g: { guest: string; domain: string }) => Promise<void> },
): Promise<ReadyResult[]> {
  const exec = host.labExec(sshKeysOf(state.entries));
  if (opts.before) await Promise.all(guests.map((g) => opts.before!(exec, g)));
  return Promise.all(
    guests.map(async (g) => {
      const r = plan.actions.find((a) => a.details.kind === 'guest.ready' && a.details.guest === g.guest)?.details;
      if (r?.kind !== 'guest.ready') throw new HostError(`guest '${g.guest}': no readiness check in the plan`);
      const res = await waitReady(exec, g.guest, g.domain, r.interfaces, { timeoutSec: opts.timeoutSec, consoleLog: consoleLogPath(store.paths, g.guest) });
      opts.progress.line(`  ${g.guest.padEnd(12)} ready in ${res.readySec.toFixed(1)}s  ${res.addresses.join(', ')}`);
      return res;
    }),
  );
}

/** Reattaches the taps of running guests to their bridges, on each host of the lab (each host its own guests). */
export async function reattachOnHosts(lab: Lab, hosts: LabHosts): Promise<string[]> {
  const names = lab.hosts?.map((h) => h.name) ?? [undefined];
  const per = await Promise.all(names.map((name) => reattachTaps(hosts.of(name), lab.hosts ? { ...lab, guests: lab.guests.filter((g) => g.host === name) } : lab)));
  return per.flat();
}
