/**
 * `reset --cold`: a disk-only reset. Each chosen guest gets a fresh running disk over the layer
 * `up` froze right after writing its configuration, and boots: nothing of its memory is kept, so
 * it works for guests whose memory cannot be saved. The internal snapshots lived in the replaced
 * disks, so every lab snapshot that held a reset guest is deleted (from all its guests) and
 * forgotten; when the whole lab was reset and it had a `ready` checkpoint, `ready` is taken again
 * once every guest is ready. Prints nothing.
 */
import { labHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import { configuredPath, overlayPath } from '../plan/paths.js';
import { domainName } from '../render/domain-xml.js';
import { acquireLock } from '../state/lock.js';
import { HostError, UsageError } from '../errors.js';
import { eventProgress, type OnEvent } from '../apply/progress.js';
import { coldRestart, type ColdGuest } from '../apply/cold-reset.js';
import { undoEntry } from '../apply/undo-entry.js';
import type { ReadyResult } from '../apply/readiness.js';
import { requireState } from './state.js';
import { confirmReady, phaseTimer, reattachOnHosts, repairHostSide } from './guest-steps.js';
import { CHECKPOINT_PHASE, READY, saveSnapshot } from './snapshot.js';

export interface ColdResetRequest {
  lab: string;
  host: Host;
  root: string;
  /** Only these guests (default: all). */
  guests?: string[];
  readyTimeoutSec: number;
  onEvent?: OnEvent;
}

export interface ColdReset {
  lab: string;
  guests: string[];
  repaired: string[];
  reattached: string[];
  /** Lab snapshots deleted because a reset guest's part of them was in its replaced disk. */
  discarded: string[];
  /** Whether the `ready` checkpoint was taken again (the whole lab was reset and it had one). */
  checkpoint: boolean;
  ready: ReadyResult[];
  phases: { title: string; seconds: number }[];
  seconds: number;
}

export async function labColdReset(req: ColdResetRequest): Promise<ColdReset> {
  const { store, state } = requireState(req.root, req.lab);
  acquireLock(store.paths.lock, req.lab);
  const lab = state.spec;
  const names = lab.guests.map((g) => g.name);
  for (const g of req.guests ?? []) if (!names.includes(g)) throw new UsageError(`lab '${req.lab}' has no guest '${g}'`, `guests: ${names.join(', ')}`);
  const chosen: ColdGuest[] = lab.guests
    .filter((g) => !req.guests?.length || req.guests.includes(g.name))
    .map((g) => ({ guest: g.name, domain: domainName(lab, g), top: overlayPath(store.paths, g.name), configured: configuredPath(store.paths, g.name) }));
  const layered = new Set(state.entries.flatMap((e) => (e.details.kind === 'disk.top' && e.status === 'done' ? [e.details.overlay] : [])));
  const flat = chosen.filter((g) => !layered.has(g.top));
  if (flat.length)
    throw new HostError(
      `${flat.map((g) => g.guest).join(', ')} ${flat.length === 1 ? 'has' : 'have'} no configured layer to reset onto (the lab was brought up by a vlab without it, or that up did not finish)`,
      '`vlab down` then `vlab up` makes it; `vlab reset` (warm) still works where a checkpoint exists',
    );
  const progress = eventProgress(req.onEvent);
  const phases: ColdReset['phases'] = [];
  const t0 = performance.now();
  const timed = phaseTimer(progress, phases);
  const tops = new Set(chosen.map((g) => g.top));
  // Multi-host labs: each guest on its host (routed per domain for snapshots, readiness, the checkpoint).
  const hosts = labHosts(lab, req.host);
  const routed = hosts.routed;
  const hostOfGuest = (g: ColdGuest) => hosts.of(lab.guests.find((x) => x.name === g.guest)?.host);
  const { plan, repaired } = await repairHostSide({
    host: req.host,
    root: req.root,
    store,
    state,
    progress,
    timed,
    readyTimeoutSec: req.readyTimeoutSec,
    alsoDone: (a) => a.details.kind === 'disk.top' && tops.has(a.details.overlay),
  });
  const resetNames = new Set(chosen.map((g) => g.guest));
  const stale = state.entries.filter((e) => e.details.kind === 'snapshot' && e.details.guests.some((g) => resetNames.has(g.guest)));
  const hadReady = stale.some((e) => e.details.kind === 'snapshot' && e.details.name === READY);
  const discarded: string[] = [];
  if (stale.length) {
    await timed(
      'Discarding snapshots',
      async () => {
        for (const e of stale) {
          await undoEntry(routed, e, { lab: state.lab, forwardingNeededElsewhere: true, stateDir: store.paths.dir, lastOfTable: () => false });
          await store.forget(state, e.id);
          if (e.details.kind === 'snapshot') discarded.push(e.details.name);
        }
        return discarded;
      },
      (d) => `${d.join(', ')} (their memory and disk state lived in the disks being replaced)`,
    );
  }
  await timed(
    'Cold reset',
    () => coldRestart(hostOfGuest, chosen, (t) => progress.update(t)),
    () => chosen.map((g) => g.guest).join(', '),
  );
  const reattached = await reattachOnHosts(lab, hosts);
  const ready = await timed(
    'Guests ready',
    () => confirmReady(routed, store, state, plan, chosen, { timeoutSec: req.readyTimeoutSec, progress }),
    (r) => `${r.length} guest${r.length === 1 ? '' : 's'}`,
  );
  let checkpoint = false;
  if (hadReady && chosen.length === lab.guests.length) {
    const s = performance.now();
    await saveSnapshot(routed, store, state, READY, progress);
    phases.push({ title: CHECKPOINT_PHASE, seconds: (performance.now() - s) / 1000 });
    checkpoint = true;
  }
  return { lab: req.lab, guests: chosen.map((g) => g.guest), repaired, reattached, discarded, checkpoint, ready, phases, seconds: (performance.now() - t0) / 1000 };
}
