/**
 * Writes every guest's network configuration, hostname and /etc/hosts into its overlay, all disks
 * in ONE libguestfs launch (a launch costs ~12 s under TCG). Guests with `netconfig: auto` and no
 * image default are inspected in the same launch and get files for the stack found.
 */
import type { Host } from '../host/index.js';
import type { Action } from '../plan/types.js';
import type { Lab } from '../spec/types.js';
import { HostError } from '../errors.js';
import { renderGuestFiles, SUPPORTED_NETCONFIG } from '../render/netconfig/index.js';
import { isDryRun } from '../host/run.js';

/** Returns the stack used per guest. */
export async function injectConfig(host: Host, actions: Action[], lab: Lab, update: (text: string) => void): Promise<Record<string, string>> {
  const stacks: Record<string, string> = {};
  const hosts = lab.guests.flatMap((g) => {
    const a = g.interfaces.find((i) => i.address)?.address;
    return a ? [{ name: g.name, address: a }] : [];
  });
  const jobs = actions.map((a) => {
    if (a.details.kind !== 'guest.config') throw new Error('inject: not a guest.config action');
    const d = a.details;
    const guest = lab.guests.find((g) => g.name === d.guest)!;
    stacks[d.guest] = d.stack;
    return {
      disk: d.disk,
      files: d.files,
      detect: d.detect,
      render: d.detect
        ? (detected: { stack: string; evidence: string[] } | undefined) => {
            if (!detected || !SUPPORTED_NETCONFIG.includes(detected.stack)) {
              throw new HostError(
                `guest '${d.guest}': cannot tell which network stack its image uses${detected ? ` (found ${detected.stack}, not yet supported)` : ''}`,
                `set netconfig: on guests.${d.guest} (one of ${SUPPORTED_NETCONFIG.join(', ')}) or in the image's image.yaml`,
              );
            }
            stacks[d.guest] = `${detected.stack} (detected: ${detected.evidence.join(', ')})`;
            return renderGuestFiles({ lab, guest, hosts }, detected.stack as 'ifupdown');
          }
        : undefined,
    };
  });
  if (isDryRun()) return stacks;
  update(`${jobs.length} disk${jobs.length === 1 ? '' : 's'} in one libguestfs launch`);
  await host.disks.edit(jobs);
  return stacks;
}
