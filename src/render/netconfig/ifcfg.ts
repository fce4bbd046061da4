/**
 * RHEL-style ifcfg: `/etc/sysconfig/network-scripts/ifcfg-<ifname>` per NIC, read by both the
 * legacy network-scripts and NetworkManager's ifcfg-rh plugin (so NM_CONTROLLED is left out).
 * The NIC is bound by HWADDR. Values are quoted for the shell when they need it. Pure.
 */
import { nicMode } from '../../spec/nic-mode.js';
import type { LabInterface } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { writtenByVlab, type GuestNetInput } from './input.js';
import { macOf, staticAddress, takesDefaultRoute } from './networkd.js';

/**
 * A profile for the same NIC that cloud-init's NetworkManager renderer writes on RHEL 9-like
 * images. cloud-init's own ifcfg-eth0 is overwritten by vlab's file of the same name.
 */
export const IFCFG_CONFLICTS: readonly string[] = ['/etc/NetworkManager/system-connections/cloud-init-eth0.nmconnection'];

/** Path of a NIC's ifcfg file. */
export function ifcfgPath(nic: LabInterface): string {
  return `/etc/sysconfig/network-scripts/ifcfg-${nic.ifname}`;
}

/** A value as a shell word: bare when plainly safe, else single-quoted (`'` as `'\''`). */
export function shellValue(value: string): string {
  return /^[A-Za-z0-9._:/@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The ifcfg text of one NIC: `KEY=value` lines in a fixed order. An `address: none` NIC gets
 * `BOOTPROTO=none` without IPADDR (network-scripts brings the link up only; ifcfg-rh reads it as
 * IPv4 disabled) and `DEFROUTE=no`.
 */
export function renderIfcfgFile(input: GuestNetInput, nic: LabInterface): string {
  const st = staticAddress(input, nic);
  const vars: [string, string | undefined][] = [
    ['DEVICE', nic.ifname],
    ['NAME', `vlab-${nic.ifname}`],
    ['HWADDR', macOf(nic)],
    ['TYPE', 'Ethernet'],
    ['ONBOOT', 'yes'],
    ['BOOTPROTO', nicMode(nic) === 'dhcp' ? 'dhcp' : 'none'],
    ['IPADDR', st?.address],
    ['PREFIX', st ? String(st.prefix) : undefined],
    ['GATEWAY', nic.gateway],
    ['DEFROUTE', takesDefaultRoute(input, nic) ? 'yes' : 'no'],
    ['IPV6INIT', 'no'],
    ['AUTOCONNECT_PRIORITY', '100'],
  ];
  const lines = vars.flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${shellValue(v)}`]));
  return [writtenByVlab(input), ...lines, ''].join('\n');
}

/** The ifcfg files: one per NIC, mode 0644. */
export function renderIfcfg(input: GuestNetInput): GuestFile[] {
  return input.guest.interfaces.map((nic) => ({ path: ifcfgPath(nic), content: renderIfcfgFile(input, nic), mode: 0o644 }));
}
