/**
 * The ifupdown file of `vlab persist --mode ifupdown` (the seed write-up's way): one stanza per
 * lab bridge, read at boot by networking.service (`ifup -a`) through Debian's
 * `source /etc/network/interfaces.d/*`. It brings back bridges, addresses, the lab's iptables
 * rules and ip_forward; libvirtd, which starts after the network, autostarts the lab's libvirt
 * networks and guests. Bridged uplinks are out of scope (a comment says so in the file). Pure.
 */
import { labTag } from '../plan/tags.js';
import path from 'node:path';
import type { LabNetwork } from '../spec/types.js';
import { INTERFACES_D, markerLine } from './marker.js';

export function interfacesPath(lab: string): string {
  return path.posix.join(INTERFACES_D, `vlab-${lab}`);
}

/** Dotted netmask of a prefix length: 16 → 255.255.0.0. */
export function netmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

export interface IfupdownInput {
  lab: string;
  networks: Pick<LabNetwork, 'name' | 'bridge' | 'gateway' | 'prefix' | 'nat' | 'uplink'>[];
  /** The rules file to load with `iptables-restore --noflush` (absent: the lab has no rules). */
  rulesFile?: string;
}

/** The bridges the file brings up (networks without a bridged uplink). */
export function ifupdownBridges(networks: IfupdownInput['networks']): string[] {
  return networks.filter((n) => !n.uplink).map((n) => n.bridge);
}

export function renderIfupdown(i: IfupdownInput): string {
  const tag = labTag(i.lab);
  const out = [
    markerLine(i.lab),
    `# Brings lab ${i.lab}'s host side back at boot (networking.service runs \`ifup -a\`, which reads this`,
    "# file through /etc/network/interfaces' `source /etc/network/interfaces.d/*`): bridges,",
    "# addresses, the lab's tagged iptables rules and IPv4 forwarding. libvirtd starts after the",
    "# network and autostarts the lab's libvirt networks and guests. The bridge_* options are",
    '# for bridge-utils when installed; the pre-up `ip link add` makes the bridge without it.',
  ];
  const bridged = i.networks.filter((n) => !n.uplink);
  const firstNat = bridged.find((n) => n.nat);
  for (const n of i.networks.filter((x) => x.uplink)) {
    out.push(`# network ${n.name} (bridge ${n.bridge} over uplink ${n.uplink}) is not here: bridged uplinks are out of`);
    out.push('# scope for the ifupdown mode; `vlab persist --mode systemd` restores them with vlab restore.');
  }
  bridged.forEach((n, idx) => {
    const br = n.bridge;
    const withAddress = n.gateway !== undefined && n.prefix !== undefined;
    out.push('', `# network ${n.name}`, `auto ${br}`, `iface ${br} inet ${withAddress ? 'static' : 'manual'}`);
    const opt = (line: string) => out.push(`    ${line}`);
    if (withAddress) {
      opt(`address ${n.gateway}`);
      opt(`netmask ${netmask(n.prefix!)}`);
    }
    opt('bridge_ports none');
    opt('bridge_stp off');
    opt('bridge_fd 0');
    opt(`pre-up [ -d /sys/class/net/${br} ] || ip link add ${br} type bridge stp_state 0 forward_delay 0`);
    if (idx === 0 && i.rulesFile) opt(`pre-up iptables-restore --noflush < ${i.rulesFile}`);
    if (!withAddress) opt(`up ip link set dev ${br} up`);
    opt(`post-up ip link set ${br} alias ${tag}`);
    if (n === firstNat) opt('post-up sysctl -w net.ipv4.ip_forward=1');
    if (!withAddress) opt(`down ip link set dev ${br} down`);
    opt(`post-down [ ! -d /sys/class/net/${br} ] || ip link del ${br}`);
  });
  return out.join('\n') + '\n';
}
