/**
 * systemd-networkd: one `/etc/systemd/network/10-vlab-<ifname>.network` per NIC, matched by MAC.
 * `10-` sorts before the distro defaults (Debian's and Arch's `80-*`/`99-default`), so for each
 * NIC vlab's file is the one networkd applies. Also holds the per-NIC facts every renderer here
 * shares (static address, who takes the default route). Pure.
 */
import { BugError } from '../../errors.js';
import { nicMode } from '../../spec/nic-mode.js';
import type { LabInterface } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { writtenByVlab, type GuestNetInput } from './input.js';

/** A static NIC's address and prefix length; undefined for a DHCP or `address: none` NIC. */
export function staticAddress(input: GuestNetInput, nic: LabInterface): { address: string; prefix: number } | undefined {
  if (!nic.address) return undefined;
  const prefix = nic.prefix ?? input.lab.networks.find((n) => n.name === nic.network)?.prefix;
  if (prefix === undefined) {
    throw new BugError(`guest ${input.guest.name} ${nic.ifname} has address ${nic.address} but no prefix length`);
  }
  return { address: nic.address, prefix };
}

/**
 * Whether a NIC may carry the default route: the NIC with the gateway; or, when no NIC of the
 * guest has one, a DHCP NIC (it takes the router its DHCP server offers, as ifupdown's
 * `inet dhcp` does). Every other NIC is told to ignore default routes. An `address: none` NIC
 * never does: it has no address, so nothing to route through.
 */
export function takesDefaultRoute(input: GuestNetInput, nic: LabInterface): boolean {
  if (nic.gateway) return true;
  return nicMode(nic) === 'dhcp' && !input.guest.interfaces.some((n) => n.gateway);
}

/** Lower-case MAC: every stack compares MACs case-insensitively; goldens stay stable. */
export function macOf(nic: LabInterface): string {
  return nic.mac.toLowerCase();
}

/** Path of the .network file of one NIC. */
export function networkFilePath(nic: LabInterface): string {
  return `/etc/systemd/network/10-vlab-${nic.ifname}.network`;
}

/** Units the injector enables (symlinks are its business, not a file vlab renders). */
export const NETWORKD_ENABLE_UNITS: readonly string[] = ['systemd-networkd.service'];

/**
 * Other configuration that would bring the same NICs up a second time under networkd: netplan's
 * generated `/run/systemd/network/10-netplan-*.network` sort BEFORE `10-vlab-*` and would win,
 * and cloud-init's ifupdown snippets would run next to networkd.
 */
export const NETWORKD_CONFLICTS: readonly string[] = [
  '/etc/netplan/50-cloud-init.yaml',
  '/etc/netplan/01-netcfg.yaml',
  '/etc/netplan/00-installer-config.yaml',
  '/etc/network/interfaces.d/50-cloud-init',
  '/etc/network/interfaces.d/50-cloud-init.cfg',
];

/**
 * The .network text of one NIC: [Match] by MAC; static Address (+ Gateway), DHCP=ipv4, or for an
 * `address: none` NIC `DHCP=no` and no Address (the link comes up without any address: this file
 * matches first, so a distro default such as `89-ethernet.network` never applies to it). IPv4 only.
 */
export function renderNetworkFile(input: GuestNetInput, nic: LabInterface): string {
  const st = staticAddress(input, nic);
  const mode = nicMode(nic);
  const network = st ? [`Address=${st.address}/${st.prefix}`] : [mode === 'none' ? 'DHCP=no' : 'DHCP=ipv4'];
  if (nic.gateway) network.push(`Gateway=${nic.gateway}`);
  network.push('LinkLocalAddressing=no', 'IPv6AcceptRA=no');
  const lines = [writtenByVlab(input), '[Match]', `MACAddress=${macOf(nic)}`, '', '[Network]', ...network, ''];
  if (mode === 'dhcp' && !takesDefaultRoute(input, nic)) lines.push('[DHCPv4]', 'UseGateway=no', '');
  return lines.join('\n');
}

/** The networkd files: one .network per NIC (mode 0644). */
export function renderNetworkd(input: GuestNetInput): GuestFile[] {
  return input.guest.interfaces.map((nic) => ({ path: networkFilePath(nic), content: renderNetworkFile(input, nic), mode: 0o644 }));
}
