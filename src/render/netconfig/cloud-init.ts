/**
 * cloud-init (NoCloud): the files of a seed ISO (volume label `cidata`), not files in the guest
 * disk. `meta-data` names the instance (the id changes with the config, so a reused disk
 * applies a changed config), `user-data` sets the hostname and /etc/hosts, `network-config`
 * (version 2) binds each NIC by MAC and renames it with `set-name`. The disk stays untouched.
 *
 * Also renders the cloud.cfg.d snippet the DISK stacks drop in, so an image's cloud-init does
 * not write its own fallback network config (DHCP on the first NIC) or reset the hostname.
 * Pure (node:crypto only hashes).
 */
import { createHash } from 'node:crypto';
import type { GuestFile } from '../files.js';
import { renderHosts } from '../hosts.js';
import { writtenByVlab, type GuestNetInput } from './input.js';
import { ethernetEntry, yaml11 } from './netplan.js';
import { authorizedKeysLine } from '../ssh-files.js';

/** Volume label cloud-init's NoCloud datasource looks for. */
export const SEED_ISO_LABEL = 'cidata';

/** Paths of the seed files (in the ISO's root). */
export const META_DATA_PATH = '/meta-data';
export const USER_DATA_PATH = '/user-data';
export const NETWORK_CONFIG_PATH = '/network-config';

/** Where the disk stacks put the "cloud-init, keep off the network" snippet. */
export const CLOUD_INIT_OFF_PATH = '/etc/cloud/cloud.cfg.d/99-vlab.cfg';

/**
 * NoCloud `network-config`, version 2. The default route is written `to: 0.0.0.0/0`: cloud-init
 * 22.4 (Debian 12) rejects `to: default` when it renders for ifupdown, sysconfig, networkd or NM.
 */
export function renderNetworkConfig(input: GuestNetInput): string {
  const ethernets = Object.fromEntries(input.guest.interfaces.map((nic) => [nic.ifname, ethernetEntry(input, nic, '0.0.0.0/0', false)]));
  return yaml11({ version: 2, ethernets }, writtenByVlab(input));
}

/**
 * `user-data`: `#cloud-config` with the hostname and vlab's /etc/hosts (cloud-init must not
 * manage it); with SSH, the lab key for root (`disable_root: false`) and the guest's host key
 * (`ssh_keys`, replacing the keys cloud-init would generate).
 */
export function renderUserData(input: GuestNetInput): string {
  const config: Record<string, unknown> = {
    hostname: input.guest.name,
    manage_etc_hosts: false,
    write_files: [{ path: '/etc/hosts', content: renderHosts(input), owner: 'root:root', permissions: '0644' }],
  };
  if (input.ssh) {
    Object.assign(config, {
      disable_root: false,
      ssh_authorized_keys: [authorizedKeysLine(input.ssh).trim()],
      ssh_deletekeys: true,
      ssh_keys: { ed25519_private: input.ssh.hostKeyPrivate, ed25519_public: input.ssh.hostKeyPublic.trim() },
    });
  }
  return '#cloud-config\n' + yaml11(config, writtenByVlab(input));
}

/** The instance id: `vlab-<lab>-<guest>-<12 hex of sha256(user-data, network-config)>`. */
export function instanceId(input: GuestNetInput, userData: string, networkConfig: string): string {
  const hash = createHash('sha256').update(userData).update('\0').update(networkConfig).digest('hex').slice(0, 12);
  return `vlab-${input.lab.name}-${input.guest.name}-${hash}`;
}

/** `meta-data`: instance-id and local-hostname. */
export function renderMetaData(input: GuestNetInput, userData: string, networkConfig: string): string {
  return yaml11({ 'instance-id': instanceId(input, userData, networkConfig), 'local-hostname': input.guest.name }, writtenByVlab(input));
}

/** The seed ISO's files: meta-data, user-data, network-config (mode 0644). */
export function renderCloudInit(input: GuestNetInput): GuestFile[] {
  const userData = renderUserData(input);
  const networkConfig = renderNetworkConfig(input);
  return [
    { path: META_DATA_PATH, content: renderMetaData(input, userData, networkConfig), mode: 0o644 },
    { path: USER_DATA_PATH, content: userData, mode: 0o644 },
    { path: NETWORK_CONFIG_PATH, content: networkConfig, mode: 0o644 },
  ];
}

/** cloud.cfg.d snippet for disk stacks: no cloud-init network config, keep vlab's hostname and hosts. */
export function renderCloudInitOff(input: GuestNetInput): GuestFile {
  const content = yaml11({ network: { config: 'disabled' }, preserve_hostname: true, manage_etc_hosts: false }, writtenByVlab(input));
  return { path: CLOUD_INIT_OFF_PATH, content, mode: 0o644 };
}
