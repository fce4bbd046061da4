/**
 * The text on the topology picture, as lines (each renderer joins and escapes them its own way),
 * so dot, mermaid and HTML say the same thing. Pure.
 */
import { type CheckEdge, type Topology, type TopologyEdge, type TopologyNode } from './model.js';

export function nodeLines(n: TopologyNode): string[] {
  switch (n.kind) {
    case 'network': {
      const mode = n.mode === 'nat' ? 'NAT' : n.mode === 'uplink' ? `uplink ${n.uplink}` : 'isolated';
      const lines = [`${n.name} (${mode})`, `bridge ${n.bridge}`];
      const gateway = n.gateway ? `${n.mode === 'uplink' ? 'router' : 'gateway'} ${n.gateway}` : undefined;
      const addressing = [n.cidr, gateway].filter(Boolean).join(', ');
      if (addressing) lines.push(addressing);
      if (n.hosts && n.hosts.length > 1) lines.push(`VXLAN across ${n.hosts.join(', ')}${n.gatewayHost ? ` (gateway on ${n.gatewayHost})` : ''}`);
      else if (n.hosts) lines.push(`on host ${n.hosts[0]}`);
      return lines;
    }
    case 'guest': {
      const lines = [n.name, `${n.image}, ${n.memory} MiB, ${n.vcpus} vCPU${n.vcpus === 1 ? '' : 's'}`];
      if (n.host) lines.push(`on host ${n.host}`);
      if (n.state !== null) lines.push(n.state);
      return lines;
    }
    case 'outside':
      return n.targets.length ? ['outside', `verify.external: ${n.targets.join(', ')}`] : ['outside'];
    case 'lan':
      return ['physical LAN', `via ${n.nic}`];
  }
}

export function edgeLines(e: TopologyEdge): string[] {
  switch (e.kind) {
    case 'nic': {
      const addr = e.mode === 'static' ? e.address! : e.mode === 'dhcp' ? 'dhcp' : 'no address';
      return [`${e.ifname} ${e.mac}`, e.defaultRoute ? `${addr}, default route` : addr];
    }
    case 'nat':
      return ['NAT'];
    case 'uplink':
      return [`uplink ${e.nic}`];
    case 'lan-egress':
      return ["the LAN's router"];
    case 'check':
      return [checkText(e)];
  }
}

/** How a check went: `ping ok`, `blocked (expected)` or `FAIL: <why>`. */
export function checkOutcome(e: CheckEdge): string {
  if (e.ok) return e.expect === 'reachable' ? 'ping ok' : 'blocked (expected)';
  return `FAIL: ${e.reason ?? (e.expect === 'reachable' ? 'no reply' : 'reachable')}`;
}

/** The check's edge label: the address pinged (a guest or a network may have several) and how it went. */
export function checkText(e: CheckEdge): string {
  return `${e.address} ${checkOutcome(e)}`;
}

/** The picture's title: the lab, where it was drawn from and the last verify. */
export function titleOf(t: Topology): string {
  if (t.source === 'file') return `lab ${t.lab} (lab file)`;
  if (!t.verify) return `lab ${t.lab} (up; not verified yet)`;
  return `lab ${t.lab} (up; verify at ${t.verify.at}: ${t.verify.passed} of ${t.verify.total} passed)`;
}
