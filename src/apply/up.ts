/**
 * The apply step of `vlab up`: executes a plan phase by phase, recording each change in the
 * journal before making it. Actions within a phase run in parallel as far as their dependencies allow.
 */
import type { Host } from '../host/index.js';
import type { Action, ActionKind, Plan } from '../plan/types.js';
import type { LabState, StateStore } from '../state/store.js';
import type { Lab, NetconfigKind } from '../spec/types.js';
import { nicConfigPath } from '../render/netconfig/index.js';
import type { Progress } from './progress.js';
import { doAction } from './do-action.js';
import { waveOrder } from '../plan/waves.js';
import { runRecorded } from './recorded.js';
import { waitReady, type ReadyResult } from './readiness.js';
import { injectConfig } from './inject.js';
import { HostError } from '../errors.js';
import { sshKeysOf } from '../host/lab-exec.js';

const PHASES: { title: string; kinds: ActionKind[] }[] = [
  { title: 'Host networking', kinds: ['bridge.create', 'bridge.address', 'uplink.attach', 'vxlan.create', 'sysctl.forward', 'iptables.rule', 'libvirt.network'] },
  { title: 'Guest disks', kinds: ['disk.overlay', 'ssh.keys'] },
  { title: 'Guest configuration', kinds: ['guest.config'] },
  { title: 'Domains', kinds: ['disk.copy', 'disk.top', 'domain.define', 'domain.start'] },
  { title: 'Guests ready', kinds: ['guest.ready'] },
];

export interface UpReport {
  changed: number;
  phases: { title: string; seconds: number; actions: number }[];
  ready: ReadyResult[];
  /** Stack used per guest (after detection). */
  stacks: Record<string, string>;
}

export interface UpContext {
  lab: Lab;
  plan: Plan;
  /** This machine; in a multi-host lab, the lab's hosts routed per guest (src/host/routed-host.ts). */
  host: Host;
  /** Multi-host labs: the Host of an action's `host` (undefined: this machine). */
  hostOf?: (name: string | undefined) => Host;
  store: StateStore;
  state: LabState;
  progress: Progress;
  readyTimeoutSec: number;
  /** How long a bridged uplink may take to prove the host still has its network. */
  uplinkTimeoutSec?: number;
  /** Test hook: called after each journal record, before the change (crash-injection tests). */
  onRecorded?: (action: Action) => void;
}

export async function applyUp(ctx: UpContext): Promise<UpReport> {
  const { plan, progress } = ctx;
  const report: UpReport = { changed: 0, phases: [], ready: [], stacks: {} };
  const kinds: Record<string, Exclude<NetconfigKind, 'auto'>> = {};
  const done = new Set(plan.actions.filter((a) => a.satisfied).map((a) => a.id));
  for (const phase of PHASES) {
    const todo = plan.actions.filter((a) => phase.kinds.includes(a.kind) && !a.satisfied);
    if (!todo.length) continue;
    const t0 = performance.now();
    progress.phase(phase.title);
    try {
      if (phase.kinds.includes('guest.config')) {
        await runRecorded(ctx, todo, async () => {
          const injected = await injectConfig(ctx.host, todo, ctx.lab, sshKeysOf(plan.actions), (t) => progress.update(t));
          Object.assign(report.stacks, injected.stacks);
          Object.assign(kinds, injected.kinds);
        });
        todo.forEach((a) => done.add(a.id));
      } else if (phase.kinds.includes('guest.ready')) {
        if (!ctx.host.dryRun) {
          const exec = ctx.host.labExec(sshKeysOf(plan.actions));
          const settled = await Promise.allSettled(
            todo.map(async (a) => {
              if (a.details.kind !== 'guest.ready') throw new Error('unreachable');
              const define = plan.actions.find((x) => x.details.kind === 'domain.define' && x.details.name === a.target);
              const consoleLog = define?.details.kind === 'domain.define' ? define.details.consoleLog : '';
              const guestName = a.details.guest;
              const config = plan.actions.find((x) => x.details.kind === 'guest.config' && x.details.guest === guestName)?.details;
              const configPath =
                config?.kind === 'guest.config'
                  ? config.seedIso
                    ? `${config.seedIso} (network-config)`
                    : `${report.stacks[guestName] ?? config.stack}: ${config.files[0]?.path ?? 'files'} inside ${config.disk}`
                  : undefined;
              // Per NIC: the rendered file that configures it, for the `address: none` message.
              const kind = kinds[guestName] ?? (config?.kind === 'guest.config' && config.stack !== 'auto' ? (config.stack as Exclude<NetconfigKind, 'auto'>) : undefined);
              const where = config?.kind === 'guest.config' ? (config.seedIso ? `in ${config.seedIso}` : `inside ${config.disk}`) : '';
              const nicConfig = Object.fromEntries(
                ctx.lab.guests
                  .find((g) => g.name === guestName)
                  ?.interfaces.flatMap((i) => {
                    const p = kind ? nicConfigPath(kind, i) : undefined;
                    return p ? [[i.mac, `${kind}: ${p} ${where}`.trim()]] : [];
                  }) ?? [],
              );
              const r = await waitReady(exec, a.details.guest, a.details.domain, a.details.interfaces, {
                timeoutSec: ctx.readyTimeoutSec,
                consoleLog,
                nicConfig,
                ...(configPath ? { configPath } : {}),
              });
              progress.line(
                `  ${a.details.guest.padEnd(12)} ready in ${r.readySec.toFixed(1)}s (${r.transport === 'agent or ssh' ? 'answered' : r.transport} ${r.agentSec.toFixed(1)}s)  ${r.addresses.join(', ')}`,
              );
              return r;
            }),
          );
          const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
          if (failed.length === 1) throw failed[0];
          if (failed.length > 1) {
            throw new HostError(`${failed.length} guests did not come up:\n` + failed.map((e) => e.message).join('\n'), (failed[0] as HostError).hint);
          }
          report.ready = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        }
        todo.forEach((a) => done.add(a.id));
      } else {
        for (const wave of waveOrder(todo, done)) {
          await Promise.all(
            wave.map(async (a) => {
              progress.update(a.description);
              await runRecorded(ctx, [a], () =>
                doAction(ctx.hostOf?.(a.host) ?? ctx.host, a, {
                  lab: ctx.lab.name,
                  ...(ctx.hostOf ? { controller: ctx.hostOf(undefined) } : {}),
                  stateDir: ctx.plan.stateDir,
                  uplinkTimeoutSec: ctx.uplinkTimeoutSec ?? 20,
                  say: (t) => progress.update(t),
                }),
              );
              done.add(a.id);
            }),
          );
        }
      }
      report.changed += todo.length;
      const seconds = (performance.now() - t0) / 1000;
      report.phases.push({ title: phase.title, seconds, actions: todo.length });
      progress.succeed(`${todo.length} change${todo.length === 1 ? '' : 's'}`);
    } catch (e) {
      progress.fail();
      throw e;
    }
  }
  return report;
}
