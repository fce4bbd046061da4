/** The guest-disk port as the host offers it: each job goes the way its route says, the direct jobs in parallel with the one libguestfs launch. */
import type { DiskJob, DiskResult, GuestDisks } from './types.js';

export class RoutedDisks implements GuestDisks {
  constructor(
    private readonly direct: GuestDisks,
    private readonly libguestfs: GuestDisks,
  ) {}

  async edit(jobs: DiskJob[]): Promise<DiskResult[]> {
    const direct = jobs.filter((j) => j.route.kind === 'direct');
    const appliance = jobs.filter((j) => j.route.kind !== 'direct');
    const [a, b] = await Promise.all([direct.length ? this.direct.edit(direct) : [], appliance.length ? this.libguestfs.edit(appliance) : []]);
    const results = new Map([...a, ...b].map((r) => [r.disk, r]));
    return jobs.map((j) => results.get(j.disk)!);
  }
}
