/** Finding a lab's state: the store of a lab by name, and the state of a lab that must be up. */
import { HostError } from '../errors.js';
import { labPaths } from '../plan/paths.js';
import { listLabs, StateStore, type LabState } from '../state/store.js';

export function storeFor(root: string, lab: string): StateStore {
  return new StateStore(labPaths(root, lab));
}

/** The state of an up lab, or a HostError (exit 3) saying it is not up. */
export function requireState(root: string, lab: string): { store: StateStore; state: LabState } {
  const store = storeFor(root, lab);
  const state = store.load();
  if (!state) throw new HostError(`lab '${lab}' is not up (no state in ${store.paths.dir})`, 'run `vlab up` first; `vlab ls` lists the labs that are up');
  return { store, state };
}

/** Names of the labs with state under root (up, or left behind). */
export function labNames(root: string): string[] {
  return listLabs(root);
}

/** The lab file an up lab was brought up from (`--lab NAME` for commands that read a lab file). */
export function recordedLabFile(root: string, lab: string): string {
  const store = storeFor(root, lab);
  const state = store.load();
  if (!state) throw new HostError(`lab '${lab}' is not up, so vlab has no lab file recorded for it`, 'name the lab file with -f PATH (`vlab ls` lists the labs that are up)');
  return state.labFile;
}

/** The guests of an up lab (undefined when it is not up or its state cannot be read). */
export function recordedGuests(root: string, lab: string): string[] | undefined {
  try {
    return storeFor(root, lab)
      .load()
      ?.spec.guests.map((g) => g.name);
  } catch {
    return undefined;
  }
}
