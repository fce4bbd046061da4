/**
 * Whole-lab snapshots on the host: take one (journal first; every guest paused, saved, then all
 * resumed, so no guest runs ahead of the others in the saved state) and revert guests to one.
 */
import type { Host } from '../host/index.js';
import type { Action, SnapshotGuest } from '../plan/types.js';
import type { LabState, StateStore } from '../state/store.js';
import { HostError } from '../errors.js';
import { runRecorded } from './recorded.js';
import type { Progress } from './progress.js';

/** The journal id of snapshot `name`. */
export function snapshotId(name: string): string {
  return `snapshot:${name}`;
}

/** The journal action of a snapshot of `guests` (what `down` undoes). */
export function snapshotAction(name: string, guests: SnapshotGuest[], takenAt: string): Action {
  return {
    id: snapshotId(name),
    kind: 'snapshot',
    target: name,
    description: `snapshot ${name} of ${guests.map((g) => g.guest).join(', ')} (memory and disk, inside each overlay)`,
    dependsOn: [],
    satisfied: false,
    details: { kind: 'snapshot', name, guests, takenAt },
  };
}

/**
 * Takes snapshot `name` of every guest: records it, deletes an older snapshot of that name (a
 * replace), pauses all guests, snapshots each, resumes all (also when a step failed).
 */
export async function takeSnapshot(
  r: { host: Host; store: StateStore; state: LabState; onRecorded?: (a: Action) => void },
  name: string,
  guests: SnapshotGuest[],
  progress: Progress,
): Promise<void> {
  const { host } = r;
  const action = snapshotAction(name, guests, new Date().toISOString());
  await runRecorded(r, [action], async () => {
    await Promise.all(
      guests.map(async (g) => {
        if ((await host.libvirt.listSnapshots(g.domain)).includes(name)) await host.libvirt.deleteSnapshot(g.domain, name);
      }),
    );
    progress.update(`pausing ${guests.length} guest${guests.length === 1 ? '' : 's'}`);
    const paused: string[] = [];
    try {
      await Promise.all(
        guests.map(async (g) => {
          await host.libvirt.suspendDomain(g.domain);
          paused.push(g.domain);
        }),
      );
      progress.update(`saving memory and disk of ${guests.map((g) => g.guest).join(', ')}`);
      await Promise.all(guests.map((g) => host.libvirt.createSnapshot(g.domain, name, `vlab snapshot ${name} of guest ${g.guest}`)));
    } finally {
      const resumed = await Promise.allSettled(paused.map((d) => host.libvirt.resumeDomain(d)));
      const failed = resumed.flatMap((x, i) => (x.status === 'rejected' ? [`${paused[i]}: ${(x.reason as Error).message}`] : []));
      if (failed.length)
        throw new HostError(`could not resume every guest after the snapshot:\n  - ${failed.join('\n  - ')}`, 'run `virsh resume DOMAIN` for each, or `vlab reset`');
    }
  });
}

/** Reverts each guest to snapshot `name`, all at once, each left running with the memory it had. */
export async function revertGuests(host: Host, name: string, guests: SnapshotGuest[]): Promise<void> {
  const settled = await Promise.allSettled(guests.map((g) => host.libvirt.revertSnapshot(g.domain, name)));
  const failed = settled.flatMap((x, i) => (x.status === 'rejected' ? [`${guests[i]!.guest}: ${(x.reason as Error).message}`] : []));
  if (failed.length) throw new HostError(`could not restore snapshot ${name}:\n  - ${failed.join('\n  - ')}`, 'see `vlab status`; `vlab down` then `vlab up` rebuilds the lab');
}
