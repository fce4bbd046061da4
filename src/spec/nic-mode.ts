/** How a resolved NIC is addressed: the one place that reads `address` and `unconfigured` together. Pure. */
import type { LabInterface } from './types.js';

/** `static` (an address), `dhcp` (no address given), `none` (`address: none`: no address at all). */
export type NicMode = 'static' | 'dhcp' | 'none';

/** The addressing of a NIC: static when it has an address, none when `address: none`, else DHCP. */
export function nicMode(nic: Pick<LabInterface, 'address' | 'unconfigured'>): NicMode {
  if (nic.address) return 'static';
  return nic.unconfigured ? 'none' : 'dhcp';
}

/** True when the NIC gets an IPv4 address in the guest (static or DHCP): every NIC but `address: none`. */
export function hasAddress(nic: Pick<LabInterface, 'address' | 'unconfigured'>): boolean {
  return nicMode(nic) !== 'none';
}
