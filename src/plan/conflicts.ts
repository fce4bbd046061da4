/** Preflight conflicts between a lab and the host it is about to change. Pure. */
import type { Lab } from '../spec/types.js';
import type { HostFacts } from './facts.js';
import type { Conflict } from './types.js';
import { labTag } from './tags.js';
import { overlaps, toCidr } from '../spec/ipv4.js';
import { libvirtNetworkName } from '../render/network-xml.js';
import { domainName } from '../render/domain-xml.js';
import { planUplinkMove, routeFor } from './uplink.js';
import type { LabNetwork } from '../spec/types.js';

export function findConflicts(lab: Lab, facts: HostFacts, opts: { allowSshUplink?: boolean } = {}): Conflict[] {
  const out: Conflict[] = [];
  const tag = labTag(lab.name);
  const ourBridges = new Set(lab.networks.map((n) => n.bridge));

  if (!facts.libvirt.available) {
    out.push({
      kind: 'libvirt-unavailable',
      message: `libvirt does not answer: ${facts.libvirt.error ?? 'unknown error'}`,
      hint: 'start libvirtd (and virtlogd), or pass -c URI / set LIBVIRT_DEFAULT_URI',
    });
  }
  if (lab.accel === 'kvm' && !facts.accel.kvm) {
    out.push({
      kind: 'accel-unavailable',
      message: `accel: kvm but KVM is not usable here: ${facts.accel.reason}`,
      hint: 'set accel: auto (TCG, slower) or enable KVM on this host',
    });
  }
  if (lab.networks.some((n) => n.nat || !n.uplink) && !facts.iptables.available) {
    out.push({ kind: 'iptables-unavailable', message: 'iptables cannot be read on this host', hint: 'install the iptables package (Debian: apt-get install iptables)' });
  }

  for (const net of lab.networks) {
    const link = facts.links.find((l) => l.name === net.bridge);
    if (link && link.alias !== tag) {
      out.push({
        kind: 'bridge-taken',
        message: `bridge name '${net.bridge}' (network '${net.name}') already exists on the host and is not this lab's${link.alias?.startsWith('vlab:') ? ` (it belongs to lab '${link.alias.slice(5)}')` : ''}`,
        hint: `pick another bridge: name under networks.${net.name}.bridge, or leave it out for a derived one`,
      });
    }
    if (net.uplink) out.push(...uplinkConflicts(lab, net, facts, opts));
    const cidr = net.cidr ? toCidr(net.cidr) : undefined;
    if (cidr && !net.uplink) {
      for (const a of facts.addresses) {
        const c = toCidr(a.cidr);
        if (c && a.ifname !== net.bridge && overlaps(c, cidr)) {
          out.push({
            kind: 'cidr-overlap',
            message: `network '${net.name}' (${net.cidr}) overlaps address ${a.cidr} on host interface ${a.ifname}`,
            hint: `choose a cidr that is free on this host for networks.${net.name}.cidr`,
          });
        }
      }
      for (const r of facts.routes) {
        if (r.dst === 'default' || ourBridges.has(r.dev)) continue;
        const c = toCidr(r.dst.includes('/') ? r.dst : `${r.dst}/32`);
        if (c && overlaps(c, cidr) && !facts.addresses.some((a) => a.ifname === r.dev && toCidr(a.cidr) && overlaps(toCidr(a.cidr)!, cidr))) {
          out.push({
            kind: 'cidr-overlap',
            message: `network '${net.name}' (${net.cidr}) overlaps host route ${r.dst} via ${r.dev}`,
            hint: `choose a cidr that does not collide with the host's routes for networks.${net.name}.cidr`,
          });
        }
      }
      for (const other of facts.otherLabs) {
        for (const oc of other.cidrs) {
          const c = toCidr(oc);
          if (c && overlaps(c, cidr))
            out.push({ kind: 'cidr-overlap', message: `network '${net.name}' (${net.cidr}) overlaps ${oc} of lab '${other.name}'`, hint: 'give each lab its own address range' });
        }
        if (other.bridges.includes(net.bridge) && !link)
          out.push({ kind: 'bridge-taken', message: `bridge '${net.bridge}' is recorded by lab '${other.name}'`, hint: `pick another networks.${net.name}.bridge` });
      }
    }
    const lv = libvirtNetworkName(lab, net);
    const lvFact = facts.libvirt.networks.find((n) => n.name === lv);
    if (lvFact && lvFact.owner !== lab.name) {
      out.push({
        kind: 'libvirt-network-taken',
        message: `libvirt network '${lv}' exists and is not this lab's`,
        hint: `remove it (virsh net-undefine ${lv}) if it is stale, or rename the lab`,
      });
    }
  }
  for (const guest of lab.guests) {
    const dom = domainName(lab, guest);
    const d = facts.libvirt.domains.find((x) => x.name === dom);
    if (d && d.owner !== lab.name) {
      out.push({
        kind: 'domain-taken',
        message: `libvirt domain '${dom}' exists and is not this lab's`,
        hint: `remove it (virsh undefine ${dom}) if it is stale, or rename the lab or guest`,
      });
    }
  }
  return out;
}

/** A NIC vlab may bridge: it exists, is wired, is no bridge or port already, and does not carry the user's SSH session (unless --yes). */
function uplinkConflicts(lab: Lab, net: LabNetwork, facts: HostFacts, opts: { allowSshUplink?: boolean }): Conflict[] {
  const out: Conflict[] = [];
  const nicName = net.uplink!;
  const nic = facts.links.find((l) => l.name === nicName);
  const at = `networks.${net.name}.uplink`;
  if (!nic) {
    const have = facts.links.filter((l) => !l.kind && l.name !== 'lo').map((l) => l.name);
    return [
      {
        kind: 'uplink-missing',
        message: `uplink ${nicName} (network '${net.name}') does not exist on this host`,
        hint: `set ${at} to one of: ${have.join(', ') || '(no plain NICs found)'}`,
      },
    ];
  }
  if (nic.master && nic.master !== net.bridge) {
    out.push({
      kind: 'uplink-enslaved',
      message: `uplink ${nicName} is already a port of ${nic.master}`,
      hint: `bridge ${nic.master} itself is on the LAN: point the lab at a free NIC, or free ${nicName} first`,
    });
  }
  if (nic.kind === 'bridge' || nic.kind === 'bond') {
    out.push({
      kind: 'uplink-not-a-nic',
      message: `uplink ${nicName} is a ${nic.kind}, not a NIC`,
      hint: `bridging a ${nic.kind} into another bridge is not supported; name the physical NIC`,
    });
  }
  if (nic.wireless) {
    out.push({
      kind: 'uplink-wireless',
      message: `uplink ${nicName} is a wireless NIC`,
      hint: 'Wi-Fi NICs cannot be bridge ports (802.11 allows one MAC per station): use a wired NIC, or a NAT network (nat: true)',
    });
  }
  if (facts.sshClient && !opts.allowSshUplink) {
    const r = routeFor(facts.sshClient, facts.routes);
    if (r?.dev === nicName) {
      out.push({
        kind: 'uplink-carries-ssh',
        message: `uplink ${nicName} carries your SSH session (client ${facts.sshClient}); moving it into a bridge interrupts it for a moment and, if the LAN check fails, for up to the rollback timeout`,
        hint: 'run from a console, or pass --yes to accept (vlab rolls back by itself if the host loses its network)',
      });
    }
  }
  if (!nic.master) {
    const check = planUplinkMove(net, facts).check;
    if (!check)
      out.push({
        kind: 'uplink-no-check',
        message: `uplink ${nicName}: there is no default gateway through it to prove the host keeps its network`,
        hint: `set ${at.replace(/uplink$/, 'uplink_check')} to an address on the LAN that answers pings`,
      });
  }
  return out;
}
