/**
 * NetworkManager: one keyfile profile per NIC in `/etc/NetworkManager/system-connections/`,
 * bound to the NIC by `[ethernet] mac-address` (no interface-name), mode 0600 (NM ignores
 * keyfiles other users can read). `autoconnect-priority=100` makes NM prefer vlab's profile
 * over any other profile for the same NIC, and a conf.d snippet turns off NM's automatic
 * "Wired connection N" profiles. Pure (node:crypto only hashes).
 */
import { createHash } from 'node:crypto';
import { nicMode } from '../../spec/nic-mode.js';
import type { LabInterface } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { writtenByVlab, type GuestNetInput } from './input.js';
import { macOf, staticAddress, takesDefaultRoute } from './networkd.js';

/** The conf.d snippet that stops NM creating "Wired connection N" for vlab's NICs. */
export const NM_NO_AUTO_DEFAULT_PATH = '/etc/NetworkManager/conf.d/90-vlab-no-auto-default.conf';

/**
 * Profiles for the same NICs written by cloud-init (its NM renderer, and netplan's NM backend
 * from cloud-init's YAML) or shipped in RHEL-like images. vlab's profile has the higher
 * autoconnect priority anyway; removing them keeps `nmcli connection` unambiguous.
 */
export const NM_CONFLICTS: readonly string[] = [
  '/etc/netplan/50-cloud-init.yaml',
  '/etc/NetworkManager/system-connections/cloud-init-eth0.nmconnection',
  '/etc/sysconfig/network-scripts/ifcfg-eth0',
];

/** vlab's UUID namespace for connection profiles (fixed; any fixed UUID would do). */
const VLAB_NAMESPACE = '8b0f6a52-3c1e-4d8f-9a27-6e5d4c3b2a19';

/** A name-based (version 5, SHA-1) UUID, RFC 4122 §4.3: the same name always gives the same UUID. */
export function uuidV5(name: string, namespace: string = VLAB_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Connection id (and file stem) of a NIC's profile. */
export function connectionId(nic: LabInterface): string {
  return `vlab-${nic.ifname}`;
}

/** Path of a NIC's keyfile. */
export function keyfilePath(nic: LabInterface): string {
  return `/etc/NetworkManager/system-connections/${connectionId(nic)}.nmconnection`;
}

/**
 * The keyfile text of one NIC. UUID from lab, guest and MAC: stable across `vlab up`. An
 * `address: none` NIC gets `[ipv4] method=disabled`: NM activates the profile (priority 100, so no
 * catch-all profile of the image gets the NIC) and the NIC stays up without any address.
 */
export function renderKeyfile(input: GuestNetInput, nic: LabInterface): string {
  const st = staticAddress(input, nic);
  const mode = nicMode(nic);
  const ipv4 = st ? ['method=manual', `address1=${st.address}/${st.prefix}${nic.gateway ? `,${nic.gateway}` : ''}`] : [mode === 'none' ? 'method=disabled' : 'method=auto'];
  if (mode !== 'none' && !takesDefaultRoute(input, nic)) ipv4.push('never-default=true');
  return [
    writtenByVlab(input),
    '[connection]',
    `id=${connectionId(nic)}`,
    `uuid=${uuidV5(`${input.lab.name}/${input.guest.name}/${macOf(nic)}`)}`,
    'type=ethernet',
    'autoconnect=true',
    'autoconnect-priority=100',
    '',
    '[ethernet]',
    `mac-address=${macOf(nic)}`,
    '',
    '[ipv4]',
    ...ipv4,
    '',
    '[ipv6]',
    'method=disabled',
    '',
  ].join('\n');
}

/** NetworkManager.conf snippet: no automatic default-wired profiles on any device. */
export function renderNoAutoDefault(input: GuestNetInput): string {
  return [writtenByVlab(input), '[main]', 'no-auto-default=*', ''].join('\n');
}

/** The NM files: one keyfile per NIC (0600), then the conf.d snippet (0644). */
export function renderNetworkManager(input: GuestNetInput): GuestFile[] {
  return [
    ...input.guest.interfaces.map((nic) => ({ path: keyfilePath(nic), content: renderKeyfile(input, nic), mode: 0o600 })),
    { path: NM_NO_AUTO_DEFAULT_PATH, content: renderNoAutoDefault(input), mode: 0o644 },
  ];
}
