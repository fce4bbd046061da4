/** Finding a lab's state: the store of a lab by name, and the state of a lab that must be up. */
import { HostError } from '../errors.js';
import { labPaths } from '../plan/paths.js';
import { StateStore, type LabState } from '../state/store.js';

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
