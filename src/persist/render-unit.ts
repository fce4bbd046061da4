/**
 * The systemd unit of `vlab persist --mode systemd`: a oneshot service that runs
 * `vlab restore LAB` at boot, after the host's own networking and firewall and after libvirtd.
 * Pure.
 */
import path from 'node:path';
import { markerLine, SYSTEMD_DIR } from './marker.js';

export interface UnitInput {
  lab: string;
  /** Absolute path of the node binary. */
  node: string;
  /** Absolute path of vlab's bin/vlab.js. */
  vlabJs: string;
  /** Absolute state root (VLAB_STATE_DIR) and libvirt URI the lab was built with. */
  stateRoot: string;
  uri: string;
}

/** `vlab-LAB.service`. */
export function unitName(lab: string): string {
  return `vlab-${lab}.service`;
}

export function unitPath(lab: string): string {
  return path.posix.join(SYSTEMD_DIR, unitName(lab));
}

/** The enable symlink (what `systemctl enable` would make): multi-user.target.wants/vlab-LAB.service. */
export function unitWantsLink(lab: string): string {
  return path.posix.join(SYSTEMD_DIR, 'multi-user.target.wants', unitName(lab));
}

/**
 * One word of a unit's command line or Environment= value: quoted when it holds whitespace,
 * quotes or backslashes; `%` doubled (specifiers) and `$` doubled (variable expansion).
 */
export function systemdWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (escaped !== '' && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function renderUnit(i: UnitInput): string {
  const exec = [i.node, i.vlabJs, 'restore', i.lab, '--quiet'].map(systemdWord).join(' ');
  const state = path.posix.join(i.stateRoot, i.lab, 'state.json');
  return [
    markerLine(i.lab),
    `# Brings lab ${i.lab} back after a boot: \`vlab restore ${i.lab}\` re-applies the lab as recorded in`,
    `# ${state}: bridges, addresses, tagged iptables rules, ip_forward, libvirt networks,`,
    '# and starts the guests and waits for them. Enabled by the multi-user.target.wants symlink',
    '# vlab made beside it (no systemctl needed; `systemctl daemon-reload` makes a running systemd see it now).',
    '',
    '[Unit]',
    `Description=vlab lab ${i.lab}: restore after boot`,
    // libvirtd defines the networks and domains restore checks; the host's own network
    // configuration (network.target) and firewall services, which may flush rules, go first.
    'Wants=libvirtd.service',
    'After=network.target libvirtd.service',
    'After=nftables.service netfilter-persistent.service firewalld.service ufw.service',
    `ConditionPathExists=${state}`,
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `Environment=${systemdWord(`VLAB_STATE_DIR=${i.stateRoot}`)}`,
    `Environment=${systemdWord(`LIBVIRT_DEFAULT_URI=${i.uri}`)}`,
    `ExecStart=${exec}`,
    // Guests booting under TCG take minutes; do not hold the boot forever.
    'TimeoutStartSec=20min',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
