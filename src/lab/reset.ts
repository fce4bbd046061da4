/** `reset`: the lab (or some of its guests) back to the `ready` checkpoint `up` took; `--cold` boots them on fresh disks instead (src/lab/cold-reset.ts). */
import { labSnapshotRestore, READY, type RestoreSnapshotRequest, type SnapshotRestored } from './snapshot.js';

export function labReset(req: Omit<RestoreSnapshotRequest, 'name'>): Promise<SnapshotRestored> {
  return labSnapshotRestore({ ...req, name: READY });
}

export { labColdReset, type ColdReset } from './cold-reset.js';
