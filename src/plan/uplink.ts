/**
 * Bridged uplink: the `ip -batch` lines that move a NIC's addresses and routes onto its bridge
 * (and back), computed from host facts. Pure.
 */
import type { AddressFact, HostFacts, RouteFact } from './facts.js';
import type { LabNetwork } from '../spec/types.js';
import { formatCidr, parseCidr, parseIp, toCidr, contains } from '../spec/ipv4.js';

function addrLine(op: 'add' | 'del', a: AddressFact, dev: string): string {
  const parts = ['address', op, a.cidr];
  if (op === 'add') {
    if (a.broadcast) parts.push('broadcast', a.broadcast);
    if (a.scope && a.scope !== 'global') parts.push('scope', a.scope);
  }
  parts.push('dev', dev);
  return parts.join(' ');
}

/** Routes the kernel makes by itself when an address is added: not moved by hand. */
function isAutomatic(r: RouteFact): boolean {
  return r.protocol === 'kernel';
}

function routeLine(op: 'replace' | 'del', r: RouteFact, dev: string): string {
  const parts = ['route', op, r.dst];
  if (r.gateway) parts.push('via', r.gateway);
  parts.push('dev', dev);
  if (r.protocol && op === 'replace') parts.push('proto', r.protocol);
  if (r.scope && r.scope !== 'global' && op === 'replace') parts.push('scope', r.scope);
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  if (r.prefsrc && op === 'replace') parts.push('src', r.prefsrc);
  return parts.join(' ');
}

export interface UplinkMove {
  /** Addresses and routes of the NIC, as they are before the move. */
  addresses: AddressFact[];
  routes: RouteFact[];
  /** NIC → bridge: enslave, then the addresses and routes follow, in one `ip -batch`. */
  attach: string[];
  /** Bridge → NIC: the exact reverse, restoring addresses and routes as they were. */
  detach: string[];
  /** Address that must answer once the bridge carries the host's traffic. */
  check?: string;
}

export function planUplinkMove(net: LabNetwork, facts: HostFacts): UplinkMove {
  const nic = net.uplink!;
  const br = net.bridge;
  const addresses = facts.addresses.filter((a) => a.ifname === nic);
  const routes = facts.routes.filter((r) => r.dev === nic);
  const manual = routes.filter((r) => !isAutomatic(r));
  // Most specific routes last on the way in: a default route needs its gateway's subnet first.
  const order = (rs: RouteFact[]) => [...rs].sort((a, b) => (a.dst === 'default' ? 1 : 0) - (b.dst === 'default' ? 1 : 0));
  const attach = [
    `link set dev ${nic} master ${br}`,
    ...addresses.map((a) => addrLine('del', a, nic)),
    ...addresses.map((a) => addrLine('add', a, br)),
    ...order(manual).map((r) => routeLine('replace', r, br)),
  ];
  const detach = [
    ...addresses.map((a) => addrLine('del', a, br)),
    `link set dev ${nic} nomaster`,
    ...addresses.map((a) => addrLine('add', a, nic)),
    ...order(manual).map((r) => routeLine('replace', r, nic)),
  ];
  const gw = routes.find((r) => r.dst === 'default' && r.gateway)?.gateway;
  const check = net.uplinkCheck ?? gw ?? net.gateway;
  return { addresses, routes, attach, detach, ...(check ? { check } : {}) };
}

/** The route the kernel would pick for `address` among the facts (longest prefix), if any. */
export function routeFor(address: string, routes: RouteFact[]): RouteFact | undefined {
  const ip = parseIp(address);
  if (ip === undefined) return undefined;
  let best: { r: RouteFact; len: number } | undefined;
  for (const r of routes) {
    const c = r.dst === 'default' ? { network: 0, prefix: 0 } : toCidr(r.dst);
    if (!c || !contains(c, ip)) continue;
    if (!best || c.prefix > best.len) best = { r, len: c.prefix };
  }
  return best?.r;
}

export { formatCidr, parseCidr };
