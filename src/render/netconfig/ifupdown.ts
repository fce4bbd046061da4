/**
 * Debian ifupdown: one `/etc/network/interfaces` with every NIC, static, DHCP or `inet manual`. It does not
 * source interfaces.d, so leftovers there (cloud-init's) cannot add a second config. Pure.
 */
import { BugError } from '../../errors.js';
import { netmask } from '../../spec/ipv4.js';
import { nicMode } from '../../spec/nic-mode.js';
import type { LabInterface } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { writtenByVlab, type GuestNetInput } from './input.js';

/** Path of the file this renderer writes. */
export const INTERFACES_PATH = '/etc/network/interfaces';

/** Files other tools write that would configure the same NICs a second time. */
export const IFUPDOWN_CONFLICTS: readonly string[] = ['/etc/network/interfaces.d/50-cloud-init', '/etc/network/interfaces.d/50-cloud-init.cfg'];

/**
 * The stanza of one NIC: `inet static` with address/netmask (and gateway), `inet dhcp`, or for an
 * `address: none` NIC `inet manual` (ifup sets the link up and configures no address).
 */
export function ifaceStanza(nic: LabInterface, input: GuestNetInput): string[] {
  const head = `auto ${nic.ifname}`;
  const mode = nicMode(nic);
  if (mode === 'none') return [head, `iface ${nic.ifname} inet manual`];
  if (mode === 'dhcp') return [head, `iface ${nic.ifname} inet dhcp`];
  const prefix = nic.prefix ?? input.lab.networks.find((n) => n.name === nic.network)?.prefix;
  if (prefix === undefined) {
    throw new BugError(`guest ${input.guest.name} ${nic.ifname} has address ${nic.address} but no prefix length`);
  }
  const lines = [head, `iface ${nic.ifname} inet static`, `    address ${nic.address}`, `    netmask ${netmask(prefix)}`];
  if (nic.gateway) lines.push(`    gateway ${nic.gateway}`);
  return lines;
}

/** The guest's `/etc/network/interfaces` text: header, loopback, then each NIC in order. */
export function renderInterfaces(input: GuestNetInput): string {
  const blocks = [[writtenByVlab(input), 'auto lo', 'iface lo inet loopback'], ...input.guest.interfaces.map((nic) => ifaceStanza(nic, input))];
  return blocks.map((b) => b.join('\n') + '\n').join('\n');
}

/** The ifupdown files for a guest (just `/etc/network/interfaces`, mode 0644). */
export function renderIfupdown(input: GuestNetInput): GuestFile[] {
  return [{ path: INTERFACES_PATH, content: renderInterfaces(input), mode: 0o644 }];
}
