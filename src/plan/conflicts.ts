/** Preflight conflicts between a lab and the host it is about to change. Pure. */
import type { Lab } from '../spec/types.js';
import type { HostFacts } from './facts.js';
import type { Conflict } from './types.js';
import { labTag } from './tags.js';
import { overlaps, toCidr } from '../spec/ipv4.js';
import { libvirtNetworkName } from '../render/network-xml.js';
import { domainName } from '../render/domain-xml.js';

export function findConflicts(lab: Lab, facts: HostFacts): Conflict[] {
  const out: Conflict[] = [];
  const tag = labTag(lab.name);
  const ourBridges = new Set(lab.networks.map((n) => n.bridge));

  if (!facts.libvirt.available) {
    out.push({ kind: 'libvirt-unavailable', message: `libvirt does not answer: ${facts.libvirt.error ?? 'unknown error'}`, hint: 'start libvirtd (and virtlogd), or pass -c URI / set LIBVIRT_DEFAULT_URI' });
  }
  if (lab.accel === 'kvm' && !facts.accel.kvm) {
    out.push({ kind: 'accel-unavailable', message: `accel: kvm but KVM is not usable here: ${facts.accel.reason}`, hint: 'set accel: auto (TCG, slower) or enable KVM on this host' });
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
    const cidr = net.cidr ? toCidr(net.cidr) : undefined;
    if (cidr && !net.uplink) {
      for (const a of facts.addresses) {
        const c = toCidr(a.cidr);
        if (c && a.ifname !== net.bridge && overlaps(c, cidr)) {
          out.push({ kind: 'cidr-overlap', message: `network '${net.name}' (${net.cidr}) overlaps address ${a.cidr} on host interface ${a.ifname}`, hint: `choose a cidr that is free on this host for networks.${net.name}.cidr` });
        }
      }
      for (const r of facts.routes) {
        if (r.dst === 'default' || ourBridges.has(r.dev)) continue;
        const c = toCidr(r.dst.includes('/') ? r.dst : `${r.dst}/32`);
        if (c && overlaps(c, cidr) && !facts.addresses.some((a) => a.ifname === r.dev && toCidr(a.cidr) && overlaps(toCidr(a.cidr)!, cidr))) {
          out.push({ kind: 'cidr-overlap', message: `network '${net.name}' (${net.cidr}) overlaps host route ${r.dst} via ${r.dev}`, hint: `choose a cidr that does not collide with the host's routes for networks.${net.name}.cidr` });
        }
      }
      for (const other of facts.otherLabs) {
        for (const oc of other.cidrs) {
          const c = toCidr(oc);
          if (c && overlaps(c, cidr)) out.push({ kind: 'cidr-overlap', message: `network '${net.name}' (${net.cidr}) overlaps ${oc} of lab '${other.name}'`, hint: 'give each lab its own address range' });
        }
        if (other.bridges.includes(net.bridge) && !link) out.push({ kind: 'bridge-taken', message: `bridge '${net.bridge}' is recorded by lab '${other.name}'`, hint: `pick another networks.${net.name}.bridge` });
      }
    }
    const lv = libvirtNetworkName(lab, net);
    const lvFact = facts.libvirt.networks.find((n) => n.name === lv);
    if (lvFact && lvFact.owner !== lab.name) {
      out.push({ kind: 'libvirt-network-taken', message: `libvirt network '${lv}' exists and is not this lab's`, hint: `remove it (virsh net-undefine ${lv}) if it is stale, or rename the lab` });
    }
  }
  for (const guest of lab.guests) {
    const dom = domainName(lab, guest);
    const d = facts.libvirt.domains.find((x) => x.name === dom);
    if (d && d.owner !== lab.name) {
      out.push({ kind: 'domain-taken', message: `libvirt domain '${dom}' exists and is not this lab's`, hint: `remove it (virsh undefine ${dom}) if it is stale, or rename the lab or guest` });
    }
  }
  return out;
}
