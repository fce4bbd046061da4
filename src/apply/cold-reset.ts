/**
 * `reset --cold` on the host: each guest is stopped, gets a fresh running disk over its frozen
 * configured layer (base → configured → running), and boots. Its journal entry (`disk.top`) stays
 * as it was: the file at that path is replaced, so `down` after a crash at any point removes it.
 */
import type { Host } from '../host/index.js';
import { HostError } from '../errors.js';

export interface ColdGuest {
  guest: string;
  domain: string;
  /** The running disk that is replaced, and the configured layer under it. */
  top: string;
  configured: string;
}

/** Stops, re-layers and starts every guest in parallel, each on its host (`hostOf`); one HostError naming each guest that failed. */
export async function coldRestart(hostOf: (g: ColdGuest) => Host, guests: ColdGuest[], say: (text: string) => void): Promise<void> {
  const settled = await Promise.allSettled(
    guests.map(async (g) => {
      const host = hostOf(g);
      const st = await host.libvirt.domainState(g.domain);
      if (st === 'missing') throw new HostError(`domain ${g.domain} is gone`);
      if (st === 'running' || st === 'paused') await host.libvirt.destroyDomain(g.domain);
      if (!host.files.exists(g.configured)) throw new HostError(`its configured layer ${g.configured} is gone`);
      say(`${g.guest}: fresh running disk over ${g.configured}`);
      host.files.remove(g.top);
      await host.qemuImg.createOverlay(g.configured, g.top);
      await host.libvirt.startDomain(g.domain);
    }),
  );
  const failed = settled.flatMap((x, i) => (x.status === 'rejected' ? [`${guests[i]!.guest}: ${(x.reason as Error).message}`] : []));
  if (failed.length)
    throw new HostError(
      `could not reset every guest cold:\n  - ${failed.join('\n  - ')}`,
      'run `vlab restore` (rebuilds what is missing and boots the guests), or `vlab down` then `vlab up`',
    );
}
