/** The recorded-action loop every host change goes through (`up`, `restore`, `persist`): journal first, then the change, then mark it done. */
import type { Host } from '../host/index.js';
import type { Action } from '../plan/types.js';
import type { LabState, StateStore } from '../state/store.js';

export interface Recorder {
  host: Host;
  store: StateStore;
  state: LabState;
  /** Test hook: called after each journal record, before the change (crash-injection tests). */
  onRecorded?: (action: Action) => void;
}

/**
 * Records `actions` in the journal (each before any change is made), runs `make`, then marks
 * them complete. `guest.ready` is a wait, not a change, and is never journaled. In dry-run
 * nothing is recorded (the host skips every change itself).
 */
export async function runRecorded(r: Recorder, actions: Action[], make: () => Promise<void>): Promise<void> {
  const journaled = actions.filter((a) => a.kind !== 'guest.ready');
  if (!r.host.dryRun) {
    for (const a of journaled) {
      await r.store.record(r.state, a);
      r.onRecorded?.(a);
    }
  }
  await make();
  if (!r.host.dryRun) for (const a of journaled) await r.store.complete(r.state, a.id);
}
