/**
 * Whole-guest snapshots through virsh: internal qcow2 snapshots holding RAM and disk (they live
 * inside the guest's overlay, so removing the overlay removes them; the base image is never
 * written), pausing and resuming, the guest clock, and which tap each NIC uses.
 */
import type { RunFn } from '../run.js';
import { virsh } from '../virsh.js';
import type { LibvirtContext } from './networks.js';
import type { DomainInterface, Libvirt } from './types.js';

type SnapshotCalls = Pick<
  Libvirt,
  'suspendDomain' | 'resumeDomain' | 'createSnapshot' | 'revertSnapshot' | 'deleteSnapshot' | 'listSnapshots' | 'setGuestTime' | 'domainInterfaces'
>;

/** The snapshot half of the port. */
export class VirshSnapshots implements SnapshotCalls {
  constructor(private readonly ctx: LibvirtContext) {}

  private get uri(): string {
    return this.ctx.uri;
  }
  private get run(): RunFn {
    return this.ctx.run;
  }

  async suspendDomain(name: string): Promise<void> {
    await virsh(this.run, this.uri, ['suspend', name]);
  }

  async resumeDomain(name: string): Promise<void> {
    await virsh(this.run, this.uri, ['resume', name]);
  }

  async createSnapshot(domain: string, name: string, description: string): Promise<void> {
    // --atomic: all of it or nothing; a paused domain is saved paused, memory included.
    await virsh(this.run, this.uri, ['snapshot-create-as', domain, '--name', name, '--description', description, '--atomic'], { timeoutMs: 10 * 60_000 });
  }

  async revertSnapshot(domain: string, name: string): Promise<void> {
    await virsh(this.run, this.uri, ['snapshot-revert', domain, '--snapshotname', name, '--running', '--force'], { timeoutMs: 10 * 60_000 });
  }

  async deleteSnapshot(domain: string, name: string): Promise<void> {
    await virsh(this.run, this.uri, ['snapshot-delete', domain, '--snapshotname', name]);
  }

  async listSnapshots(domain: string): Promise<string[]> {
    const r = await virsh(this.run, this.uri, ['snapshot-list', domain, '--name'], { readOnly: true });
    return r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }

  async setGuestTime(domain: string): Promise<void> {
    // The host's time, through the guest agent (guest-set-time).
    await virsh(this.run, this.uri, ['domtime', domain, '--now'], { timeoutMs: 20_000 });
  }

  async domainInterfaces(domain: string): Promise<DomainInterface[]> {
    const r = await virsh(this.run, this.uri, ['domiflist', domain], { readOnly: true });
    return parseDomIfList(r.stdout);
  }
}

/** `virsh -q domiflist` rows: Interface Type Source Model MAC (a NIC with no tap shows `-`). */
export function parseDomIfList(text: string): DomainInterface[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(f[4]!))
    .map((f) => ({ tap: f[0] === '-' ? undefined : f[0]!, type: f[1]!, source: f[2]!, mac: f[4]!.toLowerCase() }));
}
