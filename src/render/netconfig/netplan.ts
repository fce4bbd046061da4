/**
 * netplan: one `/etc/netplan/90-vlab.yaml` with every NIC, matched by MAC and renamed with
 * `set-name`. `90-` sorts after the installer's and cloud-init's files, so where a leftover
 * defines the same ID vlab's values win the merge; the leftovers are removed anyway
 * (NETPLAN_CONFLICTS). Built with the `yaml` package in YAML 1.1 mode, so values a 1.1 reader
 * would misread (a MAC of digits only is a base-60 integer there) are quoted. Pure.
 */
import { Document, isPair, isScalar, visit } from 'yaml';
import { nicMode } from '../../spec/nic-mode.js';
import type { LabInterface } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { writtenByVlab, type GuestNetInput } from './input.js';
import { macOf, staticAddress, takesDefaultRoute } from './networkd.js';

/** Path of the file this renderer writes. */
export const NETPLAN_PATH = '/etc/netplan/90-vlab.yaml';

/** Installer, cloud-init and distro defaults that would configure the same NICs. */
export const NETPLAN_CONFLICTS: readonly string[] = ['/etc/netplan/50-cloud-init.yaml', '/etc/netplan/01-netcfg.yaml', '/etc/netplan/00-installer-config.yaml'];

/** The backend netplan hands the NICs to. The registered `netplan` stack uses networkd. */
export type NetplanBackend = 'networkd' | 'NetworkManager';

export interface NetplanOptions {
  renderer: NetplanBackend;
}

/** How a default route is written. netplan takes `default`; cloud-init 22.4 needs `0.0.0.0/0`. */
export type DefaultRouteTo = 'default' | '0.0.0.0/0';

/**
 * The netplan version-2 `ethernets` entry of one NIC, shared with the cloud-init
 * network-config. `full` adds the IPv6-off keys (dhcp6, accept-ra, link-local) netplan knows
 * and cloud-init's own renderers do not. An `address: none` NIC gets `dhcp4: false` and no
 * addresses (and, with `full`, the IPv6-off keys): up, without any address.
 */
export function ethernetEntry(input: GuestNetInput, nic: LabInterface, to: DefaultRouteTo, full: boolean): Record<string, unknown> {
  const st = staticAddress(input, nic);
  const entry: Record<string, unknown> = { match: { macaddress: macOf(nic) }, 'set-name': nic.ifname };
  if (st) entry.addresses = [`${st.address}/${st.prefix}`];
  if (nic.gateway) entry.routes = [{ to, via: nic.gateway }];
  const mode = nicMode(nic);
  entry.dhcp4 = mode === 'dhcp';
  if (mode === 'dhcp' && !takesDefaultRoute(input, nic)) entry['dhcp4-overrides'] = { 'use-routes': false };
  if (full) Object.assign(entry, { dhcp6: false, 'accept-ra': false, 'link-local': [] });
  return entry;
}

/**
 * Serialises as YAML 1.1 (what netplan's libyaml and cloud-init's PyYAML read) with a `#`
 * header. Every `macaddress` value is double-quoted, not only those a 1.1 reader would misread.
 */
export function yaml11(value: unknown, header?: string): string {
  const doc = new Document(value, { version: '1.1' });
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === 'macaddress' && isScalar(pair.value)) pair.value.type = 'QUOTE_DOUBLE';
    },
  });
  if (header) doc.commentBefore = header.replace(/^# ?/, ' ');
  return doc.toString({ lineWidth: 0 });
}

/** The netplan YAML text for a guest. */
export function renderNetplanYaml(input: GuestNetInput, options: NetplanOptions = { renderer: 'networkd' }): string {
  const ethernets = Object.fromEntries(input.guest.interfaces.map((nic) => [nic.ifname, ethernetEntry(input, nic, 'default', true)]));
  return yaml11({ network: { version: 2, renderer: options.renderer, ethernets } }, writtenByVlab(input));
}

/** The netplan files for a guest: `/etc/netplan/90-vlab.yaml`, mode 0600 (netplan warns on wider modes). */
export function renderNetplan(input: GuestNetInput, options: NetplanOptions = { renderer: 'networkd' }): GuestFile[] {
  return [{ path: NETPLAN_PATH, content: renderNetplanYaml(input, options), mode: 0o600 }];
}
