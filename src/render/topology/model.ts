/**
 * The topology of a lab as a graph: guests, networks, physical LANs and the outside as nodes (in
 * that order, left to right in the picture); NICs, NAT, uplinks and (for an up lab) the last
 * verify's checks as edges. Built from a `Lab` and, when the lab is up, what the host reported. Every renderer draws this model; it is
 * also the `--format json` document (docs/graph.md). Pure.
 */
import { contains, parseIp, toCidr } from '../../spec/ipv4.js';
import { nicMode, type NicMode } from '../../spec/nic-mode.js';
import type { Lab, LabNetwork } from '../../spec/types.js';

/** How a network reaches beyond its bridge. */
export type NetworkMode = 'nat' | 'uplink' | 'isolated';

/** A guest's libvirt state, in the few kinds the picture tells apart. */
export type GuestStatus = 'running' | 'paused' | 'shut off' | 'missing' | 'other';

export interface NetworkNode {
  id: string;
  kind: 'network';
  name: string;
  bridge: string;
  cidr: string | null;
  /** The host's address on the bridge; for an uplink, the LAN's router. */
  gateway: string | null;
  nat: boolean;
  /** The host NIC enslaved to the bridge. */
  uplink: string | null;
  mode: NetworkMode;
  /** Multi-host labs: the hosts its bridge is on (more than one: stretched over VXLAN), and the one with its gateway. */
  hosts?: string[];
  gatewayHost?: string;
}

export interface GuestNode {
  id: string;
  kind: 'guest';
  name: string;
  image: string;
  /** MiB. */
  memory: number;
  vcpus: number;
  /** The domain's state as libvirt says it (`running`, `shut off`, ...); null when drawn from the lab file. */
  state: string | null;
  status: GuestStatus | null;
  /** Multi-host labs: the host it runs on. */
  host?: string;
}

/** Everything beyond the host: where NAT and uplinks lead, and the verify.external targets. */
export interface OutsideNode {
  id: 'outside';
  kind: 'outside';
  targets: string[];
}

/** The physical LAN behind a bridged uplink NIC. */
export interface LanNode {
  id: string;
  kind: 'lan';
  nic: string;
}

export type TopologyNode = NetworkNode | GuestNode | OutsideNode | LanNode;

export interface NicEdge {
  id: string;
  kind: 'nic';
  /** The guest node. */
  from: string;
  /** The network node. */
  to: string;
  ifname: string;
  mac: string;
  mode: NicMode;
  /** `172.16.0.2/16` for a static NIC, null for DHCP and `address: none`. */
  address: string | null;
  /** The guest's default route leaves through this NIC. */
  defaultRoute: boolean;
}

/** A NAT network's forwarding and MASQUERADE to the outside. */
export interface NatEdge {
  id: string;
  kind: 'nat';
  from: string;
  to: 'outside';
}

/** A bridge's uplink NIC to its physical LAN. */
export interface UplinkEdge {
  id: string;
  kind: 'uplink';
  from: string;
  to: string;
  nic: string;
}

/** The physical LAN's way out (through its own router). */
export interface LanEgressEdge {
  id: string;
  kind: 'lan-egress';
  from: string;
  to: 'outside';
}

/** One check of the last verify: a ping from a guest to a node, and how it went. */
export interface CheckEdge {
  id: string;
  kind: 'check';
  from: string;
  to: string;
  /** The check's target as verify names it: a guest, `gateway:NET`, `external:ADDR` or an address. */
  target: string;
  address: string;
  expect: 'reachable' | 'unreachable';
  ok: boolean;
  reason: string | null;
}

export type TopologyEdge = NicEdge | NatEdge | UplinkEdge | LanEgressEdge | CheckEdge;

export interface VerifySummary {
  /** When the verify ran (ISO 8601). */
  at: string;
  total: number;
  passed: number;
  failed: number;
}

export interface Topology {
  version: 1;
  lab: string;
  /** `file`: the lab file alone; `live`: the up lab (its recorded spec and the host's facts). */
  source: 'file' | 'live';
  /** The last verify of an up lab; null when drawn from the lab file or never verified. */
  verify: VerifySummary | null;
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

/** A check of the verify JSON document (the fields the picture uses). */
export interface CheckOutcome {
  from: string;
  to: string;
  address: string;
  expect: 'reachable' | 'unreachable';
  ok: boolean;
  reason: string | null;
}

/** What the host says about an up lab. */
export interface LiveFacts {
  /** Each guest's domain state from libvirt, by guest name. */
  guestStates: Record<string, string>;
  /** The last verify, when the lab has been verified. */
  verify?: { at: string; checks: readonly CheckOutcome[] };
}

export const OUTSIDE_ID = 'outside';
export const networkId = (name: string): string => `net:${name}`;
export const guestId = (name: string): string => `guest:${name}`;
export const lanId = (nic: string): string => `lan:${nic}`;

export function networkMode(n: Pick<LabNetwork, 'nat' | 'uplink'>): NetworkMode {
  return n.nat ? 'nat' : n.uplink ? 'uplink' : 'isolated';
}

export function guestStatus(state: string): GuestStatus {
  if (state === 'running' || state === 'idle') return 'running';
  if (state === 'paused' || state === 'pmsuspended') return 'paused';
  if (state === 'shut off' || state === 'missing') return state;
  return 'other';
}

/** The topology of `lab`; with `live`, guest states and the last verify's checks as well. */
export function topologyOf(lab: Lab, live?: LiveFacts): Topology {
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];

  for (const g of lab.guests) {
    const state = live ? (live.guestStates[g.name] ?? 'missing') : null;
    nodes.push({
      id: guestId(g.name),
      kind: 'guest',
      name: g.name,
      image: g.image,
      memory: g.memory,
      vcpus: g.vcpus,
      state,
      status: state === null ? null : guestStatus(state),
      ...(lab.hosts && g.host ? { host: g.host } : {}),
    });
    for (const nic of g.interfaces) {
      edges.push({
        id: `nic:${g.name}:${nic.index}`,
        kind: 'nic',
        from: guestId(g.name),
        to: networkId(nic.network),
        ifname: nic.ifname,
        mac: nic.mac,
        mode: nicMode(nic),
        address: nic.address ? `${nic.address}${nic.prefix !== undefined ? `/${nic.prefix}` : ''}` : null,
        defaultRoute: !!nic.gateway,
      });
    }
  }

  for (const n of lab.networks) {
    nodes.push({
      id: networkId(n.name),
      kind: 'network',
      name: n.name,
      bridge: n.bridge,
      cidr: n.cidr ?? null,
      gateway: n.gateway ?? null,
      nat: n.nat,
      uplink: n.uplink ?? null,
      mode: networkMode(n),
      ...(lab.hosts && n.hosts ? { hosts: n.hosts, ...(n.gatewayHost ? { gatewayHost: n.gatewayHost } : {}) } : {}),
    });
  }
  const uplinks = [...new Set(lab.networks.flatMap((n) => (n.uplink ? [n.uplink] : [])))];
  for (const nic of uplinks) nodes.push({ id: lanId(nic), kind: 'lan', nic });
  for (const n of lab.networks) {
    if (n.nat) edges.push({ id: `nat:${n.name}`, kind: 'nat', from: networkId(n.name), to: OUTSIDE_ID });
    if (n.uplink) edges.push({ id: `uplink:${n.name}`, kind: 'uplink', from: networkId(n.name), to: lanId(n.uplink), nic: n.uplink });
  }

  const checks = live?.verify ? checkEdges(lab, live.verify.checks) : [];
  const needsOutside = lab.networks.some((n) => n.nat || n.uplink) || lab.verify.external.length > 0 || checks.some((c) => c.to === OUTSIDE_ID);
  if (needsOutside) {
    nodes.push({ id: OUTSIDE_ID, kind: 'outside', targets: [...new Set(lab.verify.external)] });
    for (const nic of uplinks) edges.push({ id: `lan-egress:${nic}`, kind: 'lan-egress', from: lanId(nic), to: OUTSIDE_ID });
  }
  edges.push(...checks);

  let verify: VerifySummary | null = null;
  if (live?.verify) {
    const passed = live.verify.checks.filter((c) => c.ok).length;
    verify = { at: live.verify.at, total: live.verify.checks.length, passed, failed: live.verify.checks.length - passed };
  }
  return { version: 1, lab: lab.name, source: live ? 'live' : 'file', verify, nodes, edges };
}

/** The checks as edges from their guest to the node they pinged; a check from a guest the lab no longer has is left out. */
function checkEdges(lab: Lab, checks: readonly CheckOutcome[]): CheckEdge[] {
  const guests = new Set(lab.guests.map((g) => g.name));
  const edges: CheckEdge[] = [];
  checks.forEach((c, i) => {
    if (!guests.has(c.from)) return;
    edges.push({
      id: `check:${i}`,
      kind: 'check',
      from: guestId(c.from),
      to: targetNode(lab, c),
      target: c.to,
      address: c.address,
      expect: c.expect,
      ok: c.ok,
      reason: c.reason,
    });
  });
  return edges;
}

/**
 * The node a check pinged: the guest or network it names or whose address it is, the physical LAN
 * for another address on an uplinked network, else the outside.
 */
function targetNode(lab: Lab, c: CheckOutcome): string {
  if (lab.guests.some((g) => g.name === c.to)) return guestId(c.to);
  const gw = /^gateway:(.+)$/.exec(c.to)?.[1];
  if (gw && lab.networks.some((n) => n.name === gw)) return networkId(gw);
  const owner = lab.guests.find((g) => g.interfaces.some((i) => i.address === c.address));
  if (owner) return guestId(owner.name);
  const byGateway = lab.networks.find((n) => n.gateway === c.address);
  if (byGateway) return networkId(byGateway.name);
  const ip = parseIp(c.address);
  const net = lab.networks.find((n) => {
    const cidr = n.cidr ? toCidr(n.cidr) : undefined;
    return ip !== undefined && cidr !== undefined && contains(cidr, ip);
  });
  if (!net) return OUTSIDE_ID;
  return net.uplink ? lanId(net.uplink) : networkId(net.name);
}
