/**
 * Which connectivity checks `vlab verify` runs: derived from the lab's topology, plus the explicit
 * `verify.checks` of the lab file. Pure.
 */
import { ValidationError, type Problem } from '../errors.js';
import { parseIp } from '../spec/ipv4.js';
import { hasAddress } from '../spec/nic-mode.js';
import type { CheckExpect, Lab, LabGuest } from '../spec/types.js';

export type CheckTarget = 'guest' | 'gateway' | 'external' | 'address';

/** One ping from a guest to an address, with the outcome the lab expects. */
export interface Check {
  /** `c0`, `c1`, ...: unique within one derivation, safe to use in shell and file names. */
  id: string;
  /** Source guest name. */
  from: string;
  /** Label: a guest name, `gateway:NET`, `external:ADDR` or a bare address. */
  to: string;
  target: CheckTarget;
  /** IPv4 address pinged. */
  address: string;
  expect: CheckExpect;
  /** Echo requests sent. */
  count: number;
  origin: 'derived' | 'explicit';
}

export const DEFAULT_PING_COUNT = 2;
export const MAX_PING_COUNT = 100;

/** True for a dotted-quad IPv4 address (four decimal octets, no leading zeros). */
export function isIPv4(text: string): boolean {
  return parseIp(text) !== undefined;
}

type Draft = Omit<Check, 'id'>;

/**
 * Derives every check for the lab, in a stable order: guest by guest (lab order), first the
 * derived checks (gateways, peers, external targets; only over networks where the guest has an
 * address: an `address: none` NIC is left out), then the guest's explicit checks that name
 * an address no derived check covers. One check per source guest and address: an explicit check
 * overrides the expectation and count of a derived one in place (keeping its label); of two
 * explicit checks for the same address the later wins. Throws ValidationError for an explicit
 * check or external target that cannot be resolved.
 */
export function deriveChecks(lab: Lab): Check[] {
  const networks = new Map(lab.networks.map((n) => [n.name, n]));
  const guests = new Map(lab.guests.map((g) => [g.name, g]));
  const problems: Problem[] = [];
  const problem = (path: string, message: string, hint?: string): void => {
    problems.push({ file: lab.file, path, message, ...(hint ? { hint } : {}) });
  };

  const externals: string[] = [];
  lab.verify.external.forEach((ext, i) => {
    if (!isIPv4(ext)) problem(`verify.external[${i}]`, `'${ext}' is not an IPv4 address`, 'external targets are pinged by address: write one such as 1.1.1.1');
    else if (!externals.includes(ext)) externals.push(ext);
  });

  const perGuest = new Map<string, Draft[]>(lab.guests.map((g) => [g.name, []]));
  const byKey = new Map<string, Draft>();
  const add = (d: Draft): void => {
    const key = `${d.from}\u0000${d.address}`;
    const prev = byKey.get(key);
    if (prev) {
      if (d.origin === 'explicit') Object.assign(prev, { expect: d.expect, count: d.count, origin: 'explicit' });
      return;
    }
    byKey.set(key, d);
    perGuest.get(d.from)?.push(d);
  };
  const derived = (g: LabGuest, to: string, target: CheckTarget, address: string, expect: CheckExpect = 'reachable'): void =>
    add({ from: g.name, to, target, address, expect, count: DEFAULT_PING_COUNT, origin: 'derived' });

  for (const g of lab.guests) {
    // Networks where the guest has an address (static or DHCP): an `address: none` NIC sends nothing.
    const mine = unique(g.interfaces.filter(hasAddress).map((i) => i.network));
    for (const name of mine) {
      const net = networks.get(name);
      if (net?.gateway) derived(g, `gateway:${net.name}`, 'gateway', net.gateway);
    }
    for (const peer of lab.guests) {
      if (peer === g) continue;
      for (const iface of peer.interfaces) {
        if (iface.address && mine.includes(iface.network)) derived(g, peer.name, 'guest', iface.address);
      }
    }
    const egress = mine.some((name) => {
      const net = networks.get(name);
      return !!net && (net.nat || !!net.uplink);
    });
    for (const ext of externals) derived(g, `external:${ext}`, 'external', ext, egress ? 'reachable' : 'unreachable');
  }

  /** Labels an explicitly given address after what it is in the lab, when it is anything. */
  const describe = (address: string): { to: string; target: CheckTarget } => {
    for (const g of lab.guests) if (g.interfaces.some((i) => i.address === address)) return { to: g.name, target: 'guest' };
    for (const n of lab.networks) if (n.gateway === address) return { to: `gateway:${n.name}`, target: 'gateway' };
    if (externals.includes(address)) return { to: `external:${address}`, target: 'external' };
    return { to: address, target: 'address' };
  };

  lab.verify.checks.forEach((c, i) => {
    const path = `verify.checks[${i}]`;
    const from = guests.get(c.from);
    if (!from) {
      problem(`${path}.from`, `unknown guest '${c.from}'`, `use one of: ${lab.guests.map((g) => g.name).join(', ') || '(no guests)'}`);
      return;
    }
    const count = c.count ?? DEFAULT_PING_COUNT;
    if (!Number.isInteger(count) || count < 1 || count > MAX_PING_COUNT) {
      problem(`${path}.count`, `count must be a whole number from 1 to ${MAX_PING_COUNT}, not ${count}`);
      return;
    }
    const explicit = (to: string, target: CheckTarget, address: string): void => add({ from: from.name, to, target, address, expect: c.expect, count, origin: 'explicit' });

    if (c.to === 'gateway') {
      const first = from.interfaces.find(hasAddress);
      const net = first ? networks.get(first.network) : undefined;
      if (!net?.gateway) {
        problem(`${path}.to`, `guest '${from.name}' has no gateway on its first network${first ? ` '${first.network}'` : ''}`, 'name the address to ping instead');
        return;
      }
      explicit(`gateway:${net.name}`, 'gateway', net.gateway);
    } else if (c.to === 'external') {
      if (externals.length === 0) {
        problem(`${path}.to`, `'external' needs at least one address in verify.external`, 'add e.g. `external: [1.1.1.1]` under verify');
        return;
      }
      for (const ext of externals) explicit(`external:${ext}`, 'external', ext);
    } else if (guests.has(c.to)) {
      const address = guests.get(c.to)!.interfaces.find((iface) => iface.address)?.address;
      if (!address) {
        problem(`${path}.to`, `guest '${c.to}' has no static address to ping`, 'give one of its interfaces an address, or name an address instead');
        return;
      }
      explicit(c.to, 'guest', address);
    } else if (isIPv4(c.to)) {
      const { to, target } = describe(c.to);
      explicit(to, target, c.to);
    } else {
      problem(`${path}.to`, `'${c.to}' is not a guest, an IPv4 address, 'gateway' or 'external'`);
    }
  });

  if (problems.length > 0) throw new ValidationError(problems);

  const checks: Check[] = [];
  for (const drafts of perGuest.values()) {
    for (const d of drafts) checks.push({ id: `c${checks.length}`, ...d });
  }
  return checks;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
