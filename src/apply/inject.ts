/**
 * Writes every guest's network configuration, hostname and /etc/hosts: into the overlays, all
 * disks in ONE libguestfs launch (a launch costs ~12 s under TCG), or, for cloud-init guests,
 * into a NoCloud seed ISO (the disk untouched). Guests with `netconfig: auto` and no image
 * default are inspected in the same launch and get the files of the stack found.
 */
import type { Host } from '../host/index.js';
import type { Action } from '../plan/types.js';
import type { Lab, NetconfigKind } from '../spec/types.js';
import { HostError } from '../errors.js';
import { SUPPORTED_NETCONFIG } from '../render/netconfig/index.js';
import { guestEdits, type GuestEdits } from '../render/netconfig/edits.js';
import { SEED_ISO_LABEL } from '../render/netconfig/cloud-init.js';
import { labHosts } from '../render/hosts.js';
import type { DiskJob } from '../host/disks/types.js';
import type { LabSshKeys } from '../host/lab-exec.js';
import { sshSlotValuesFor } from './ssh-keys.js';
import { fillSlots } from '../render/slots.js';
import { slotMaterial } from '../render/ssh-files.js';
import type { GuestFile } from '../render/files.js';

/**
 * Returns the stack used per guest: `stacks` with the evidence when it was detected (for
 * messages), `kinds` the bare stack (for looking up rendered file paths). The planned files are
 * written as they are, their slots (SSH key material made by ssh.keys) filled byte for byte;
 * nothing is rendered here, except for a guest whose stack only the libguestfs session can tell
 * (`detect`: its files are rendered once that session has found the stack, slots filled alike).
 */
export async function injectConfig(
  host: Host,
  actions: Action[],
  lab: Lab,
  sshKeys: LabSshKeys | undefined,
  update: (text: string) => void,
): Promise<{ stacks: Record<string, string>; kinds: Record<string, Exclude<NetconfigKind, 'auto'>> }> {
  const stacks: Record<string, string> = {};
  const kinds: Record<string, Exclude<NetconfigKind, 'auto'>> = {};
  const hosts = labHosts(lab);
  const jobs: DiskJob[] = [];
  for (const a of actions) {
    if (a.details.kind !== 'guest.config') throw new Error('inject: not a guest.config action');
    const d = a.details;
    const guest = lab.guests.find((g) => g.name === d.guest)!;
    // Found in the image at plan time: say so, with what showed it (as the apply-time detection does).
    const found = /^detected in the image: (.*)$/.exec(d.stackSource);
    stacks[d.guest] = found ? `${d.stack} (detected: ${found[1]})` : d.stack;
    const values = d.slots?.length && !host.dryRun ? sshSlotValuesFor(host, sshKeys, d.guest) : {};
    const fill = (files: GuestFile[]): GuestFile[] => (d.slots?.length ? files.map((f) => ({ ...f, content: fillSlots(f.content, values) })) : files);
    const files = host.dryRun ? d.files : fill(d.files);
    if (d.stack !== 'auto') kinds[d.guest] = d.stack as Exclude<NetconfigKind, 'auto'>;
    if (d.target === 'seed-iso') {
      if (!d.seedIso) throw new Error(`inject: ${d.guest} has no seed ISO path`);
      update(`seed ISO for ${d.guest}`);
      if (!host.dryRun) await host.seedIsos.build(d.seedIso, files, SEED_ISO_LABEL);
      continue;
    }
    const job: DiskJob = { disk: d.disk, route: d.route ?? { kind: 'libguestfs', reason: 'the image was not inspected' }, files, remove: d.remove, links: d.links };
    if (d.detect) {
      job.render = (detected) => {
        if (!detected || !SUPPORTED_NETCONFIG.includes(detected.stack) || detected.stack === 'cloud-init') {
          throw new HostError(
            `guest '${d.guest}': cannot tell which network stack its image uses${detected ? ` (found ${detected.stack}, which needs netconfig: set explicitly)` : ''}`,
            `set netconfig: on guests.${d.guest} (one of ${SUPPORTED_NETCONFIG.join(', ')}) or in the image's image.yaml`,
          );
        }
        const edits: GuestEdits = guestEdits({ lab, guest, hosts, ...(d.slots?.length ? { ssh: slotMaterial(d.guest) } : {}) }, detected.stack);
        stacks[d.guest] = `${detected.stack} (detected: ${detected.evidence.join(', ')})`;
        kinds[d.guest] = detected.stack;
        return { files: fill(edits.files), remove: edits.remove, links: edits.links };
      };
    }
    jobs.push(job);
  }
  if (host.dryRun || !jobs.length) return { stacks, kinds };
  const direct = jobs.filter((j) => j.route.kind === 'direct').length;
  const plural = (n: number) => `${n} disk${n === 1 ? '' : 's'}`;
  update([direct ? `${plural(direct)} written directly` : '', jobs.length - direct ? `${plural(jobs.length - direct)} in one libguestfs launch` : ''].filter(Boolean).join(', '));
  await host.disks.edit(jobs);
  return { stacks, kinds };
}
