/**
 * Before a snapshot is restored: what of the lab's host side is missing (bridge, addresses, NAT
 * and isolation rules, ip_forward, libvirt networks) is made again, as `up` would; and guest
 * NICs whose tap lost its bridge (a bridge deleted and made again) are attached again.
 */
import type { Host } from '../host/index.js';
import type { Plan } from '../plan/types.js';
import type { Lab } from '../spec/types.js';
import { domainName } from '../render/domain-xml.js';
import { HostError } from '../errors.js';

const HOST_SIDE = new Set(['bridge.create', 'bridge.address', 'uplink.attach', 'sysctl.forward', 'iptables.rule', 'libvirt.network']);
const GUEST_DEFINITION = new Set(['disk.overlay', 'disk.top', 'ssh.keys', 'guest.config', 'domain.define']);

/**
 * The plan a snapshot restore may apply: the host-side actions still to do; everything else
 * marked satisfied (guests are brought back by the snapshot, not by a boot). A guest whose disk,
 * keys or domain are gone cannot be restored from a snapshot: HostError pointing to `restore`.
 */
export function hostSideRepair(plan: Plan): Plan {
  const gone = plan.actions.filter((a) => !a.satisfied && GUEST_DEFINITION.has(a.kind));
  if (gone.length) {
    throw new HostError(
      `lab '${plan.lab}' lost more than its host side; a snapshot cannot bring back:\n  - ${gone.map((a) => a.description).join('\n  - ')}`,
      'run `vlab restore` (rebuilds what is missing and boots the guests), or `vlab down` then `vlab up`',
    );
  }
  return { ...plan, actions: plan.actions.map((a) => (a.satisfied || HOST_SIDE.has(a.kind) ? a : { ...a, satisfied: true })) };
}

/** Attaches each running guest NIC's tap to its network's bridge where it is not; returns a line per tap moved. */
export async function reattachTaps(host: Host, lab: Lab): Promise<string[]> {
  const links = await host.ip.listLinks();
  const lines: string[] = [];
  for (const guest of lab.guests) {
    const dom = domainName(lab, guest);
    const state = await host.libvirt.domainState(dom);
    if (state !== 'running' && state !== 'paused') continue;
    for (const nic of await host.libvirt.domainInterfaces(dom)) {
      if (!nic.tap) continue;
      const iface = guest.interfaces.find((i) => i.mac?.toLowerCase() === nic.mac);
      const bridge = lab.networks.find((n) => n.name === iface?.network)?.bridge;
      if (!bridge) continue;
      const master = links.find((l) => l.name === nic.tap)?.master;
      if (master === bridge) continue;
      await host.ip.setMaster(nic.tap, bridge);
      lines.push(`${guest.name}: ${nic.tap} (${nic.mac}) attached to ${bridge} again`);
    }
  }
  return lines;
}
