/** `reset`: the lab (or some of its guests) back to the `ready` checkpoint `up` took. */
import { labSnapshotRestore, READY, type RestoreSnapshotRequest, type SnapshotRestored } from './snapshot.js';

export function labReset(req: Omit<RestoreSnapshotRequest, 'name'>): Promise<SnapshotRestored> {
  return labSnapshotRestore({ ...req, name: READY });
}
