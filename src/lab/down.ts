/** `down`: lock, then replay the lab's journal in reverse. Works from the state alone; prints nothing. */
import type { Host } from '../host/index.js';
import { acquireLock } from '../state/lock.js';
import { readLabSummaries } from '../state/store.js';
import { applyDown } from '../apply/down.js';
import { eventProgress, type OnEvent } from '../apply/progress.js';
import { undoPlan } from '../apply/undo-preview.js';
import type { Plan } from '../plan/types.js';
import { storeFor } from './state.js';
import { labHosts } from './lab-hosts.js';

export interface DownRequest {
  lab: string;
  host: Host;
  root: string;
  onEvent?: OnEvent;
}

export interface DownOutcome {
  lab: string;
  /** False when the lab had no state (nothing was done). */
  wasUp: boolean;
  undone: string[];
  failed: { id: string; error: string }[];
  /** Multi-host labs: hosts that could not be reached (a later `down` finishes them). */
  unreachable?: string[];
}

export async function labDown(req: DownRequest): Promise<DownOutcome> {
  const store = storeFor(req.root, req.lab);
  acquireLock(store.paths.lock, req.lab);
  const state = store.load();
  if (!state) return { lab: req.lab, wasUp: false, undone: [], failed: [] };
  // Another lab that is up and needs ip_forward keeps it on.
  const forwardingNeededElsewhere = readLabSummaries(req.root, req.lab).some((s) => s.needsForwarding);
  const hosts = labHosts(state.spec, req.host);
  // The routed host: this machine's, with each domain's libvirt on its host (a snapshot entry spans hosts).
  const report = await applyDown(hosts.routed, store, state, {
    progress: eventProgress(req.onEvent),
    forwardingNeededElsewhere,
    ...(Object.keys(hosts.remotes).length ? { hostOf: (name: string) => hosts.of(name), controller: req.host } : {}),
  });
  return { lab: req.lab, wasUp: true, ...report };
}

/** `down --dry-run`: what down would undo, in its order, as a plan (undefined when the lab is not up). Reads the state only. */
export function labDownPreview(req: { lab: string; root: string }): Plan | undefined {
  const store = storeFor(req.root, req.lab);
  const state = store.load();
  if (!state) return undefined;
  const forwardingNeededElsewhere = readLabSummaries(req.root, req.lab).some((s) => s.needsForwarding);
  return undoPlan(state, store.paths.dir, { forwardingNeededElsewhere });
}
