/**
 * `up` (and `restore`, with the lab as recorded): lock, compare with what is up, gather facts,
 * plan, refuse on conflicts, apply with the journal. Returns what happened; prints nothing
 * (progress goes to `onEvent`).
 */
import fs from 'node:fs';
import { planLab, type PlanOptions } from '../plan/planner.js';
import { diffLab } from '../plan/diff.js';
import { labPaths, type LabPaths } from '../plan/paths.js';
import type { Action, Plan } from '../plan/types.js';
import { gatherLabFacts, labHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import { HostError, UsageError } from '../errors.js';
import { acquireLock } from '../state/lock.js';
import { StateStore, type LabState } from '../state/store.js';
import { applyUp, type UpReport } from '../apply/up.js';
import { eventProgress, type OnEvent } from '../apply/progress.js';
import { resolveLabImages, type LoadedLab } from './lab-file.js';
import { CHECKPOINT_PHASE, READY, saveSnapshot } from './snapshot.js';
import type { ImageInfo, Lab } from '../spec/types.js';

export interface UpRequest extends PlanOptions {
  loaded: LoadedLab;
  host: Host;
  /** Root of all labs' state. */
  root: string;
  /** How long each guest may take to boot and show its addresses. */
  readyTimeoutSec: number;
  /** How long a bridged uplink may take to prove the host still has its network. */
  uplinkTimeoutSec: number;
  /** The SSH client this vlab runs under, if any (the uplink check of the planner). */
  sshClient?: string;
  onEvent?: OnEvent;
  /** Take the `ready` checkpoint when every guest is ready (default true; `up --no-checkpoint` says false). */
  checkpoint?: boolean;
  /** The lab's images, already resolved by checkLabFile (resolved here otherwise). */
  images?: Record<string, ImageInfo>;
  /** Test hook: called after each journal record, before its change (default: VLAB_CRASH_AT in the sandbox). */
  onRecorded?: (action: Action) => void;
}

export interface UpOutcome {
  lab: string;
  /** The lab as it was brought up (from the file, or as recorded for `restore`). */
  spec: Lab;
  paths: LabPaths;
  plan: Plan;
  /** True when nothing had to change. */
  upToDate: boolean;
  /** What apply did (absent when up to date). */
  report?: UpReport;
  /** Wall time of the apply step (the checkpoint, timed apart, is in report.phases). */
  seconds: number;
}

export async function labUp(req: UpRequest): Promise<UpOutcome> {
  const { lab } = req.loaded;
  const paths = labPaths(req.root, lab.name);
  acquireLock(paths.lock, lab.name);
  const store = new StateStore(paths);
  const previous = store.load();
  if (previous) {
    const diff = diffLab(previous.spec, lab);
    if (diff.needDown.length) {
      throw new UsageError(
        `lab '${lab.name}' is up and the lab file changed in ways \`up\` cannot apply in place:\n  - ${diff.needDown.join('\n  - ')}`,
        'run `vlab down` then `vlab up` (additions of guests or networks alone are applied in place)',
      );
    }
  }
  const progress = eventProgress(req.onEvent);
  progress.phase('Reading the host');
  const images = req.images ?? (await resolveLabImages(req.loaded, req.host));
  const hosts = labHosts(lab, req.host);
  const facts = await gatherLabFacts(lab, hosts, req.host, req.root, { images, ...(req.sshClient ? { sshClient: req.sshClient } : {}) });
  const plan = await planLab(lab, facts, { ...(req.allowSshUplink ? { allowSshUplink: true } : {}) });
  progress.succeed();
  if (plan.conflicts.length) {
    throw new HostError(
      `${plan.conflicts.length} conflict${plan.conflicts.length === 1 ? '' : 's'} with the host:\n` + plan.conflicts.map((c) => `  ✗ ${c.message}\n    fix: ${c.hint}`).join('\n'),
      'nothing was changed; resolve the conflicts above and run `vlab up` again',
    );
  }
  if (!plan.actions.some((a) => !a.satisfied)) return { lab: lab.name, spec: lab, paths, plan, upToDate: true, seconds: 0 };
  const now = new Date().toISOString();
  const state: LabState = previous ?? { version: 1, lab: lab.name, labFile: req.loaded.file, accel: plan.accel, createdAt: now, updatedAt: now, spec: lab, entries: [] };
  state.spec = lab;
  state.labFile = req.loaded.file;
  const t0 = performance.now();
  const onRecorded = req.onRecorded ?? crashHookFromEnv();
  const report = await applyUp({
    lab,
    plan,
    host: hosts.routed,
    ...(Object.keys(hosts.remotes).length ? { hostOf: (name: string | undefined) => hosts.of(name) } : {}),
    store,
    state,
    progress,
    readyTimeoutSec: req.readyTimeoutSec,
    uplinkTimeoutSec: req.uplinkTimeoutSec,
    ...(onRecorded ? { onRecorded } : {}),
  });
  const seconds = (performance.now() - t0) / 1000;
  if (req.checkpoint !== false && !req.host.dryRun && lab.guests.length) {
    // Its own phase, timed apart: `vlab reset` goes back here.
    const cp = await saveSnapshot(hosts.routed, store, state, READY, progress);
    report.phases.push({ title: CHECKPOINT_PHASE, seconds: cp.seconds, actions: 1 });
  }
  return { lab: lab.name, spec: lab, paths, plan, upToDate: false, report, seconds };
}

/**
 * Test hook for crash tests: VLAB_CRASH_AT=N kills this process with SIGKILL right after the Nth
 * journal record (before that change is made). Only honoured inside the test sandbox.
 */
export function crashHookFromEnv(): ((a: Action) => void) | undefined {
  const at = Number(process.env.VLAB_CRASH_AT);
  if (!at || process.env.VLAB_SANDBOX !== '1') return undefined;
  let n = 0;
  return (a) => {
    if (++n === at) {
      fs.writeSync(2, `VLAB_CRASH_AT=${at}: killing myself after recording ${a.id}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  };
}
