/**
 * `persist`, `unpersist` and `up --persist`: keeping an up lab across reboots, and taking that
 * away again. Lock, state, apply; returns what was done and prints nothing. See docs/persistence.md.
 */
import type { Host } from '../host/index.js';
import { acquireLock } from '../state/lock.js';
import { applyPersist, preparePersist, removePersist, type PersistReport } from '../apply/persist.js';
import type { Plan } from '../plan/types.js';
import { isPersistMode, type PersistMode } from '../persist/plan-persist.js';
import { requireState } from './state.js';
import { requireSingleHost } from './lab-hosts.js';

export interface PersistRequest {
  lab: string;
  host: Host;
  /** Root of all labs' state (written into the systemd unit). */
  root: string;
  mode: PersistMode;
  /** False when the caller holds the lab's lock already (`up --persist`). */
  lock: boolean;
}

export interface PersistOutcome extends PersistReport {
  lab: string;
}

/** Persists an up lab in `mode`, replacing another mode's persistence and refreshing this one's. */
export async function labPersist(req: PersistRequest): Promise<PersistOutcome> {
  const { store, state } = requireState(req.root, req.lab);
  requireSingleHost(state.spec, 'vlab persist');
  if (req.lock) acquireLock(store.paths.lock, req.lab);
  const report = await applyPersist(req.host, store, state, req.mode, { stateRoot: req.root, uri: req.host.libvirt.uri });
  return { lab: req.lab, ...report };
}

/** `persist --dry-run`: what persisting would write (file contents in the details), as a plan; changes nothing. */
export function labPersistPreview(req: Omit<PersistRequest, 'lock'>): Plan {
  const { store, state } = requireState(req.root, req.lab);
  const { plan, notes } = preparePersist(req.host, state, req.mode, { stateRoot: req.root, uri: req.host.libvirt.uri });
  return { lab: req.lab, stateDir: store.paths.dir, accel: state.accel, actions: plan.actions, conflicts: [], notes };
}

/**
 * After `up` (the lock is still held): persists with `mode` (from `--persist`) or, without one,
 * refreshes a lab that was persisted before, so guests or networks added in place come back too.
 * Undefined when the lab is not to be persisted.
 */
export async function persistAfterUp(req: Omit<PersistRequest, 'mode' | 'lock'> & { mode?: PersistMode }): Promise<PersistOutcome | undefined> {
  const { state } = requireState(req.root, req.lab);
  const mode = req.mode ?? (state.persist && isPersistMode(state.persist) ? state.persist : undefined);
  if (!mode) return undefined;
  return labPersist({ lab: req.lab, host: req.host, root: req.root, mode, lock: false });
}

export interface UnpersistOutcome {
  lab: string;
  /** False when the lab was not persisted and nothing was removed. */
  wasPersisted: boolean;
  removed: string[];
}

/** Removes what `persist` made (files, enable symlink, autostart marks); the lab stays up. */
export async function labUnpersist(req: { lab: string; host: Host; root: string }): Promise<UnpersistOutcome> {
  const { store, state } = requireState(req.root, req.lab);
  acquireLock(store.paths.lock, req.lab);
  const was = !!state.persist;
  const removed = await removePersist(req.host, store, state);
  return { lab: req.lab, wasPersisted: was || removed.length > 0, removed };
}
