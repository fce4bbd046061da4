/**
 * `snapshot save|ls|restore|rm` (and `reset`, and `up`'s `ready` checkpoint): whole-lab
 * snapshots. Each is a journal entry (so `down` removes it) over one internal qcow2 snapshot per
 * guest, memory included, inside its overlay: the base image is never written. Prints nothing.
 */
import { labHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import type { SnapshotGuest } from '../plan/types.js';
import { configuredPath, overlayPath } from '../plan/paths.js';
import type { Lab } from '../spec/types.js';
import { domainName } from '../render/domain-xml.js';
import { acquireLock } from '../state/lock.js';
import type { LabState, StateStore } from '../state/store.js';
import { HostError, UsageError } from '../errors.js';
import { eventProgress, type OnEvent, type Progress } from '../apply/progress.js';
import { revertGuests, snapshotId, takeSnapshot } from '../apply/snapshot.js';
import { setGuestClock } from '../apply/guest-clock.js';
import type { ReadyResult } from '../apply/readiness.js';
import { undoEntry } from '../apply/undo-entry.js';
import { requireState } from './state.js';
import { confirmReady, phaseTimer, reattachOnHosts, repairHostSide } from './guest-steps.js';

/** The checkpoint `up` takes when every guest is ready, and `reset` goes back to. */
export const READY = 'ready';
/** The title of `up`'s phase that takes the `ready` checkpoint (and of that phase's progress). */
export const CHECKPOINT_PHASE = `Checkpoint ${READY}`;

/** A snapshot name: letters, digits, `.`, `_`, `-`; 1 to 64 characters; no path separators or `..`. */
export function checkSnapshotName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || name.includes('..')) {
    throw new UsageError(
      `'${name}' is not a snapshot name`,
      'use 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit (no `/`, no `..`), e.g. before-upgrade',
    );
  }
}

function snapshotGuests(lab: Lab): SnapshotGuest[] {
  return lab.guests.map((g) => ({ guest: g.name, domain: domainName(lab, g) }));
}

function findSnapshot(state: LabState, name: string) {
  const e = state.entries.find((x) => x.id === snapshotId(name) && x.details.kind === 'snapshot');
  return e?.details.kind === 'snapshot' ? { entry: e, details: e.details } : undefined;
}

export interface SaveRequest {
  lab: string;
  name: string;
  host: Host;
  root: string;
  /** Replace a snapshot of that name. */
  force?: boolean;
  onEvent?: OnEvent;
}

export interface SnapshotSaved {
  lab: string;
  name: string;
  guests: string[];
  seconds: number;
}

/** Saves every guest of an up lab as snapshot `name`, consistently (all paused while saved). */
export async function labSnapshotSave(req: SaveRequest): Promise<SnapshotSaved> {
  checkSnapshotName(req.name);
  const { store, state } = requireState(req.root, req.lab);
  acquireLock(store.paths.lock, req.lab);
  if (findSnapshot(state, req.name) && !req.force)
    throw new UsageError(`lab '${req.lab}' already has a snapshot '${req.name}'`, `pick another name, or replace it with \`vlab snapshot save ${req.name} --force\``);
  return saveSnapshot(labHosts(state.spec, req.host).routed, store, state, req.name, eventProgress(req.onEvent));
}

/** Takes snapshot `name` of every guest (the lock is held; `up` calls it for its checkpoint). */
export async function saveSnapshot(host: Host, store: StateStore, state: LabState, name: string, progress: Progress): Promise<SnapshotSaved> {
  const guests = snapshotGuests(state.spec);
  const t0 = performance.now();
  for (const g of guests) {
    const st = await host.libvirt.domainState(g.domain);
    if (st !== 'running') throw new HostError(`guest '${g.guest}' is not running (libvirt state: ${st}); a snapshot saves running guests`, 'run `vlab up` (or `vlab reset`) first');
  }
  progress.phase(name === READY ? CHECKPOINT_PHASE : `Snapshot ${name}`);
  try {
    await takeSnapshot({ host, store, state }, name, guests, progress);
  } catch (e) {
    progress.fail();
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  progress.succeed(`${guests.length} guest${guests.length === 1 ? '' : 's'}`);
  return { lab: state.lab, name, guests: guests.map((g) => g.guest), seconds };
}

export interface SnapshotListing {
  name: string;
  takenAt: string;
  guests: string[];
  /** Bytes of saved memory over all guests (the disk changes live in the overlays, shared). */
  memoryBytes: number;
  /** Bytes all the lab's overlays take now (configured layers, every snapshot's disk state and the running one). */
  overlayBytes: number;
  /** False when the journal holds the snapshot but some guest's overlay does not (an interrupted save). */
  complete: boolean;
}

/** The lab's snapshots, oldest first. Read-only. */
export async function labSnapshotList(req: { lab: string; host: Host; root: string }): Promise<SnapshotListing[]> {
  const { store, state } = requireState(req.root, req.lab);
  const infos = await Promise.all(state.spec.guests.map((g) => req.host.qemuImg.info(overlayPath(store.paths, g.name)).catch(() => undefined)));
  const layers = await Promise.all(state.spec.guests.map((g) => req.host.qemuImg.info(configuredPath(store.paths, g.name)).catch(() => undefined)));
  const overlayBytes = [...infos, ...layers].reduce((n, i) => n + (i?.actualBytes ?? 0), 0);
  return state.entries.flatMap((e) => {
    if (e.details.kind !== 'snapshot') return [];
    const d = e.details;
    const inOverlays = infos.map((i) => i?.snapshots?.find((s) => s.name === d.name));
    return [
      {
        name: d.name,
        takenAt: d.takenAt,
        guests: d.guests.map((g) => g.guest),
        memoryBytes: inOverlays.reduce((n, s) => n + (s?.vmStateBytes ?? 0), 0),
        overlayBytes,
        complete: e.status === 'done' && inOverlays.every(Boolean),
      },
    ];
  });
}

export interface RestoreSnapshotRequest {
  lab: string;
  name: string;
  host: Host;
  root: string;
  /** Only these guests (default: all). */
  guests?: string[];
  readyTimeoutSec: number;
  onEvent?: OnEvent;
}

export interface SnapshotRestored {
  lab: string;
  name: string;
  guests: string[];
  /** Host-side changes made again before the restore. */
  repaired: string[];
  /** Taps attached to their bridge again. */
  reattached: string[];
  /** How each guest's clock was set. */
  clocks: Record<string, string>;
  ready: ReadyResult[];
  phases: { title: string; seconds: number }[];
  seconds: number;
}

/** Brings guests back, running, in the state of snapshot `name`: host side repaired first, clocks set, readiness confirmed. */
export async function labSnapshotRestore(req: RestoreSnapshotRequest): Promise<SnapshotRestored> {
  const { store, state } = requireState(req.root, req.lab);
  acquireLock(store.paths.lock, req.lab);
  const found = findSnapshot(state, req.name);
  if (!found) {
    const have = state.entries.flatMap((e) => (e.details.kind === 'snapshot' ? [e.details.name] : []));
    if (req.name === READY)
      throw new HostError(
        `lab '${req.lab}' has no \`ready\` checkpoint (it was brought up with --no-checkpoint, or the checkpoint was removed)`,
        have.length
          ? `\`vlab reset --cold\` boots the guests on fresh disks; or restore one of its snapshots with \`vlab snapshot restore NAME\` (${have.join(', ')})`
          : '`vlab reset --cold` boots the guests on fresh disks (their configuration as up wrote it); or take the checkpoint now with `vlab snapshot save ready` (the guests as they are)',
      );
    throw new UsageError(`lab '${req.lab}' has no snapshot '${req.name}'`, have.length ? `its snapshots: ${have.join(', ')}` : 'save one with `vlab snapshot save NAME`');
  }
  if (found.entry.status !== 'done')
    throw new HostError(`snapshot '${req.name}' was not completed (vlab was stopped while saving it)`, `save it again with \`vlab snapshot save ${req.name} --force\``);
  const lab = state.spec;
  const now = lab.guests.map((g) => g.name).sort();
  const then = found.details.guests.map((g) => g.guest).sort();
  if (now.join() !== then.join()) {
    throw new UsageError(
      `snapshot '${req.name}' holds guests ${then.join(', ')}, but lab '${req.lab}' now has ${now.join(', ')}: it cannot be restored into the changed lab`,
      `take a new one with \`vlab snapshot save ${req.name} --force\``,
    );
  }
  for (const g of req.guests ?? []) if (!now.includes(g)) throw new UsageError(`lab '${req.lab}' has no guest '${g}'`, `guests: ${now.join(', ')}`);
  const chosen = found.details.guests.filter((g) => !req.guests?.length || req.guests.includes(g.guest));
  const progress = eventProgress(req.onEvent);
  const phases: SnapshotRestored['phases'] = [];
  const t0 = performance.now();
  const timed = phaseTimer(progress, phases);
  // 1. The host side, as `up` would make it (from the lab as recorded).
  const { plan, repaired } = await repairHostSide({ host: req.host, root: req.root, store, state, progress, timed, readyTimeoutSec: req.readyTimeoutSec });
  // 2. Guests back in the saved state (no reboot), all at once; then taps, clocks, readiness.
  // (Multi-host labs: each guest on its host, through the routed host; taps on each host.)
  const hosts = labHosts(lab, req.host);
  const host = hosts.routed;
  await timed(
    `Restoring snapshot ${req.name}`,
    () => revertGuests(host, req.name, chosen),
    () => chosen.map((g) => g.guest).join(', '),
  );
  const reattached = await reattachOnHosts(lab, hosts);
  const clocks: Record<string, string> = {};
  const ready = await timed(
    'Guests ready',
    () =>
      confirmReady(host, store, state, plan, chosen, {
        timeoutSec: req.readyTimeoutSec,
        progress,
        before: async (exec, g) => {
          clocks[g.guest] = await setGuestClock(host, exec, g.domain).catch((e: Error) => `not set: ${e.message}`);
        },
      }),
    (r) => `${r.length} guest${r.length === 1 ? '' : 's'}`,
  );
  return { lab: req.lab, name: req.name, guests: chosen.map((g) => g.guest), repaired, reattached, clocks, ready, phases, seconds: (performance.now() - t0) / 1000 };
}

/** Deletes snapshot `name` (its memory and disk state in every overlay) and forgets it. */
export async function labSnapshotRemove(req: { lab: string; name: string; host: Host; root: string }): Promise<{ lab: string; name: string; removed: string }> {
  checkSnapshotName(req.name);
  const { store, state } = requireState(req.root, req.lab);
  acquireLock(store.paths.lock, req.lab);
  const found = findSnapshot(state, req.name);
  if (!found) throw new UsageError(`lab '${req.lab}' has no snapshot '${req.name}'`, 'list them with `vlab snapshot ls`');
  const line = await undoEntry(req.host, found.entry, { lab: state.lab, forwardingNeededElsewhere: true, stateDir: store.paths.dir, lastOfTable: () => false });
  await store.forget(state, found.entry.id);
  return { lab: req.lab, name: req.name, removed: line };
}
