/**
 * `vlab doctor -f` for a multi-host lab: the checks of one lab host that only a lab spread over
 * hosts needs — the vxlan module, the underlay address and its link's MTU — and the failing check
 * of a host that cannot be probed. Pure: the facts come from each host's probe and `ip` port.
 */
import type { Check } from './checks.js';
import type { LabHostFacts, ProbeFacts } from './facts.js';

/** VXLAN's own headers on an IPv4 underlay: outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14). */
export const VXLAN_OVERHEAD = 50;

/** The vxlan module, the underlay address and the underlay MTU of one host (nothing when no stretched network touches it). */
export function multiHostChecks(h: LabHostFacts, f: ProbeFacts): Check[] {
  if (!h.stretched.length) return [];
  const nets = `network${h.stretched.length === 1 ? '' : 's'} ${h.stretched.join(', ')}`;
  return [vxlanCheck(h, f, nets), ...underlayChecks(h, f, nets)];
}

function vxlanCheck(h: LabHostFacts, f: ProbeFacts, nets: string): Check {
  const id = 'vxlan-module';
  const title = 'vxlan module';
  const v = f.vxlan;
  if (!v) return { id, title, status: 'warn', seen: `not looked at on host ${h.name}`, fix: 'run `vlab doctor -f LAB` again' };
  if (v.loaded) return { id, title, status: 'ok', seen: `loaded (${nets} stretched over VXLAN)` };
  if (v.module)
    return {
      id,
      title,
      status: 'warn',
      seen: `not loaded yet, available (${v.module}): \`vlab up\` loads it for ${nets}, and it stays loaded after \`vlab down\``,
      fix: 'nothing needed; `modprobe vxlan` loads it now if you prefer',
    };
  return {
    id,
    title,
    status: 'fail',
    seen: `not loaded and not found (${v.modinfoError ?? 'modinfo found nothing'}): ${nets} cannot be stretched to host ${h.name}`,
    fix: 'install the kernel modules of the running kernel (Debian: apt install linux-image-$(uname -r)), or a kernel with CONFIG_VXLAN',
  };
}

function underlayChecks(h: LabHostFacts, f: ProbeFacts, nets: string): Check[] {
  const title = 'underlay address';
  if (!h.underlay)
    return [
      {
        id: 'underlay',
        title,
        status: 'fail',
        seen: `host ${h.name} has no underlay address for the VXLAN of ${nets}`,
        fix: `give hosts.${h.name}.underlay: in the lab file (an IPv4 address of that host the other hosts reach)`,
      },
    ];
  const held = h.addresses.find((a) => a.cidr.split('/')[0] === h.underlay);
  if (!held)
    return [
      {
        id: 'underlay',
        title,
        status: 'fail',
        seen: `${h.underlay} is not an address of host ${h.name} (it has ${h.addresses.map((a) => `${a.cidr} on ${a.ifname}`).join(', ') || 'no IPv4 address'}): its VXLAN links cannot use it`,
        fix: `set hosts.${h.name}.underlay: in the lab file to one of the host's own addresses that the other hosts reach`,
      },
    ];
  const out: Check[] = [{ id: 'underlay', title, status: 'ok', seen: `${h.underlay} on ${held.ifname}` }];
  const mtu = f.linkMtu?.[held.ifname];
  const need = h.vxlanMtu + VXLAN_OVERHEAD;
  out.push(
    mtu === undefined
      ? {
          id: 'underlay-mtu',
          title: 'underlay MTU',
          status: 'warn',
          seen: `the MTU of ${held.ifname} could not be read`,
          fix: `check \`ip link show ${held.ifname}\`: it needs at least ${need}`,
        }
      : mtu >= need
        ? { id: 'underlay-mtu', title: 'underlay MTU', status: 'ok', seen: `${held.ifname} mtu ${mtu} >= vxlan.mtu ${h.vxlanMtu} + ${VXLAN_OVERHEAD}` }
        : {
            id: 'underlay-mtu',
            title: 'underlay MTU',
            status: 'warn',
            seen: `${held.ifname} mtu ${mtu} < vxlan.mtu ${h.vxlanMtu} + ${VXLAN_OVERHEAD} = ${need}: full-size guest packets on ${nets} are dropped between hosts`,
            fix: `lower vxlan.mtu: in the lab file to ${mtu - VXLAN_OVERHEAD} or less, or raise the MTU of ${held.ifname} (on every host)`,
          },
  );
  return out;
}

/** The one check of a host that could not be probed (ssh could not reach it, or a command failed there). */
export function unreachableCheck(name: string, e: { message: string; hint?: string }): Check {
  return {
    id: 'host',
    title: `host ${name}`,
    status: 'fail',
    seen: e.message,
    fix: e.hint ?? `look at host ${name}, then run \`vlab doctor -f LAB\` again`,
  };
}
