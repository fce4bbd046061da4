/**
 * libvirt network XML for one lab network. vlab creates the host bridge itself; the libvirt
 * network only points guests at it (`<forward mode='bridge'/>` uses an existing host bridge, and
 * libvirt adds no addresses, DHCP or firewall rules of its own). Pure.
 */
import type { Lab, LabNetwork } from '../spec/types.js';
import { setOwner } from './metadata.js';
import { buildXml, el } from './xml.js';

/** Something with a name, or the name itself. */
export type Named = string | { name: string };

const nameOf = (n: Named): string => (typeof n === 'string' ? n : n.name);

/** The libvirt network name of a lab network: `vlab-<lab>-<network>`. */
export function libvirtNetworkName(lab: Named, net: Named): string {
  return `vlab-${nameOf(lab)}-${nameOf(net)}`;
}

/** Renders the libvirt network XML (name, owner metadata, bridge forward) for `net` of `lab`. */
export async function renderNetworkXml(lab: Lab, net: LabNetwork): Promise<string> {
  const root = el({}, { name: [el({}, {}, libvirtNetworkName(lab, net))] });
  setOwner(root, lab.name, 'network', net.name);
  root.forward = [el({ mode: 'bridge' })];
  root.bridge = [el({ name: net.bridge })];
  return buildXml('network', root);
}
