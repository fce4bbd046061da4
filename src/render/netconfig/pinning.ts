/**
 * Interface names pinned by MAC, so `eth0` inside the guest is the NIC vlab means: a systemd
 * `.link` file per NIC (udev renames on boot) and `/etc/vlab/ifnames` (`MAC NAME` lines) for
 * guests without udev, such as the tiny test guest's init. Pure.
 */
import type { LabInterface } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { writtenByVlab, type GuestNetInput } from './input.js';

/** Path of the plain `MAC NAME` list. */
export const IFNAMES_PATH = '/etc/vlab/ifnames';

/** Path of the systemd .link file that names one NIC. */
export function linkFilePath(nic: LabInterface): string {
  return `/etc/systemd/network/10-vlab-${nic.ifname}.link`;
}

/** The .link file text: match the MAC, set the name. */
export function renderLinkFile(input: GuestNetInput, nic: LabInterface): string {
  return [writtenByVlab(input), '[Match]', `MACAddress=${nic.mac.toLowerCase()}`, '', '[Link]', `Name=${nic.ifname}`, ''].join('\n');
}

/** `/etc/vlab/ifnames`: one `mac name` line per NIC (lower-case MAC, one space), no comments. */
export function renderIfnames(input: GuestNetInput): string {
  return input.guest.interfaces.map((nic) => `${nic.mac.toLowerCase()} ${nic.ifname}\n`).join('');
}

/** The pinning files: one .link per NIC, then the ifnames list (all mode 0644). */
export function renderPinning(input: GuestNetInput): GuestFile[] {
  return [
    ...input.guest.interfaces.map((nic) => ({ path: linkFilePath(nic), content: renderLinkFile(input, nic), mode: 0o644 })),
    { path: IFNAMES_PATH, content: renderIfnames(input), mode: 0o644 },
  ];
}
