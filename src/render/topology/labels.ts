/**
 * The text on the topology picture, as lines (each renderer joins and escapes them its own way),
 * so dot, mermaid and HTML say the same thing. Pure.
 */
import { OUTSIDE_ID, type CheckEdge, type Topology, type TopologyEdge, type TopologyNode } from './model.js';

export function nodeLines(n: TopologyNode): string[] {
  switch (n.kind) {
    case 'network': {
      const lines = [n.name, `bridge ${n.bridge}`];
      if (n.cidr) lines.push(n.cidr);
      if (n.gateway) lines.push(n.mode === 'uplink' ? `router ${n.gateway}` : `gateway ${n.gateway}`);
      lines.push(n.mode === 'nat' ? 'NAT' : n.mode === 'uplink' ? `uplink ${n.uplink}` : 'isolated');
      return lines;
    }
    case 'guest': {
      const lines = [n.name, `${n.image}, ${n.memory} MiB, ${n.vcpus} vCPU${n.vcpus === 1 ? '' : 's'}`];
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

/** The check's edge label: its outcome, after the address when the node it points at does not name it. */
export function checkText(e: CheckEdge): string {
  const named = e.to !== OUTSIDE_ID && !e.to.startsWith('lan:');
  return named ? checkOutcome(e) : `${e.address} ${checkOutcome(e)}`;
}

/** The picture's title: the lab, where it was drawn from and the last verify. */
export function titleOf(t: Topology): string {
  if (t.source === 'file') return `lab ${t.lab} (lab file)`;
  if (!t.verify) return `lab ${t.lab} (up; not verified yet)`;
  return `lab ${t.lab} (up; verify at ${t.verify.at}: ${t.verify.passed} of ${t.verify.total} passed)`;
}
