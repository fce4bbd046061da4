/**
 * Host links, IPv4 addresses and routes through iproute2 (`ip -j`). Reading parses the JSON
 * output with the pure functions below; changing runs `ip` commands (skipped in dry-run).
 */
import fs from 'node:fs';
import { CommandError, HostError } from '../errors.js';
import type { AddressFact, LinkFact, RouteFact } from '../plan/facts.js';
import type { ActionDetails } from '../plan/types.js';
import type { RunFn } from './run.js';

/** Links, addresses and routes of the host (iproute2). */
export interface IpRoute {
  /** Every link with kind, master, alias, admin state, MAC and wireless flag (`ip -j -d link show`). */
  listLinks(): Promise<LinkFact[]>;
  /** Every IPv4 address as `ifname` + `a.b.c.d/len` (`ip -j -4 addr show`). */
  listAddresses(): Promise<AddressFact[]>;
  /** IPv4 routes of the main table (`ip -j -4 route show table main`). */
  listRoutes(): Promise<RouteFact[]>;
  /** Creates a bridge without STP and with no forward delay, tagged with `alias` (vlab's ownership mark). */
  createBridge(name: string, alias: string): Promise<void>;
  /** Adds an IPv4 address (`a.b.c.d/len`) to a link. */
  addAddress(dev: string, cidr: string): Promise<void>;
  /** Sets a link administratively up. */
  setUp(dev: string): Promise<void>;
  /** Enslaves `dev` to bridge `master`, or frees it from its master when `master` is null. */
  setMaster(dev: string, master: string | null): Promise<void>;
  /** Deletes a link (a bridge vlab created). */
  deleteLink(name: string): Promise<void>;
  /** The alias of a link, or undefined when it has none or does not exist. */
  linkAlias(name: string): Promise<string | undefined>;
  /**
   * Runs several `ip` commands in ONE process (`ip -batch -`), back to back: how an uplink's
   * addresses and routes move to its bridge with the shortest possible gap. Stops at the first error.
   */
  batch(lines: string[]): Promise<void>;
  /** Sets a link's MAC address (a bridge takes its uplink's, so DHCP leases and ARP caches stay valid). */
  setMac(dev: string, mac: string): Promise<void>;
  /**
   * Creates a unicast VXLAN link (no learning) tagged with `alias`, enslaved to `bridge` and up, and
   * one all-zeros fdb entry per peer (head-end replication: no multicast on the underlay). May
   * load the kernel's vxlan module.
   */
  createVxlan(v: VxlanLink): Promise<void>;
}

/** A VXLAN link between hosts (multi-host labs): the planned `vxlan.create` action's link. */
export type VxlanLink = Omit<Extract<ActionDetails, { kind: 'vxlan.create' }>, 'kind' | 'moduleLoaded'>;

interface IpLinkJson {
  ifname?: string;
  flags?: string[];
  address?: string;
  link_type?: string;
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string };
}

interface IpAddrJson {
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number; broadcast?: string; scope?: string; label?: string }[];
}

interface IpRouteJson {
  dst?: string;
  dev?: string;
  gateway?: string;
  type?: string;
  protocol?: string;
  scope?: string;
  metric?: number;
  prefsrc?: string;
}

function parseJsonArray(json: string, what: string): unknown[] {
  const text = json.trim();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new HostError(`cannot parse the JSON output of ${what}: ${(e as Error).message}`, 'is iproute2 recent enough to support `ip -j`?');
  }
  if (!Array.isArray(parsed)) throw new HostError(`unexpected output of ${what}: not a JSON array`);
  return parsed;
}

/**
 * Parses `ip -j -d link show`. `isWireless` tells wireless NICs apart (the adapter checks
 * /sys/class/net/X/wireless); without it no link is marked wireless.
 */
export function parseLinks(json: string, isWireless?: (ifname: string) => boolean): LinkFact[] {
  const out: LinkFact[] = [];
  for (const raw of parseJsonArray(json, 'ip -j -d link show') as IpLinkJson[]) {
    if (!raw.ifname) continue;
    const fact: LinkFact = { name: raw.ifname, up: (raw.flags ?? []).includes('UP') };
    const kind = raw.linkinfo?.info_kind;
    if (kind) fact.kind = kind;
    if (raw.master) fact.master = raw.master;
    if (raw.ifalias) fact.alias = raw.ifalias;
    if (raw.address && raw.link_type !== 'loopback' && raw.link_type !== 'none') fact.mac = raw.address.toLowerCase();
    if (isWireless?.(raw.ifname)) fact.wireless = true;
    out.push(fact);
  }
  return out;
}

/** Parses `ip -j -4 addr show`: one fact per IPv4 address. */
export function parseAddrs(json: string): AddressFact[] {
  const out: AddressFact[] = [];
  for (const raw of parseJsonArray(json, 'ip -j -4 addr show') as IpAddrJson[]) {
    if (!raw.ifname) continue;
    for (const a of raw.addr_info ?? []) {
      if (a.family !== undefined && a.family !== 'inet') continue;
      if (!a.local || a.prefixlen === undefined) continue;
      const fact: AddressFact = { ifname: raw.ifname, cidr: `${a.local}/${a.prefixlen}` };
      if (a.broadcast) fact.broadcast = a.broadcast;
      if (a.scope) fact.scope = a.scope;
      if (a.label && a.label !== raw.ifname) fact.label = a.label;
      out.push(fact);
    }
  }
  return out;
}

/**
 * Parses `ip -j -4 route show table main`. Host routes come without a length (`10.0.0.1`) and
 * become `/32`; routes without a device (blackhole, unreachable) are left out.
 */
export function parseRoutes(json: string): RouteFact[] {
  const out: RouteFact[] = [];
  for (const raw of parseJsonArray(json, 'ip -j -4 route show') as IpRouteJson[]) {
    if (!raw.dst || !raw.dev) continue;
    if (raw.type && raw.type !== 'unicast') continue;
    const dst = raw.dst === 'default' || raw.dst.includes('/') ? raw.dst : `${raw.dst}/32`;
    const fact: RouteFact = { dst, dev: raw.dev };
    if (raw.gateway) fact.gateway = raw.gateway;
    if (raw.protocol) fact.protocol = raw.protocol;
    if (raw.scope) fact.scope = raw.scope;
    if (raw.metric !== undefined) fact.metric = raw.metric;
    if (raw.prefsrc) fact.prefsrc = raw.prefsrc;
    out.push(fact);
  }
  return out;
}

/** True when the kernel says the NIC is wireless (a `wireless` or `phy80211` entry in sysfs). */
function sysfsWireless(ifname: string): boolean {
  return fs.existsSync(`/sys/class/net/${ifname}/wireless`) || fs.existsSync(`/sys/class/net/${ifname}/phy80211`);
}

/** IpRoute through the `ip` command. */
export class IpRouteCommand implements IpRoute {
  /** @param run the runner's run(), from createHost. */
  constructor(private readonly run: RunFn) {}

  async listLinks(): Promise<LinkFact[]> {
    const r = await this.run(['ip', '-j', '-d', 'link', 'show'], { readOnly: true });
    return parseLinks(r.stdout, sysfsWireless);
  }

  async listAddresses(): Promise<AddressFact[]> {
    const r = await this.run(['ip', '-j', '-4', 'addr', 'show'], { readOnly: true });
    return parseAddrs(r.stdout);
  }

  async listRoutes(): Promise<RouteFact[]> {
    const r = await this.run(['ip', '-j', '-4', 'route', 'show', 'table', 'main'], { readOnly: true });
    return parseRoutes(r.stdout);
  }

  async createBridge(name: string, alias: string): Promise<void> {
    await this.run(['ip', 'link', 'add', name, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'], {
      hint: `a link named ${name} may already exist: see \`ip link show ${name}\``,
    });
    await this.run(['ip', 'link', 'set', name, 'alias', alias]);
  }

  async addAddress(dev: string, cidr: string): Promise<void> {
    await this.run(['ip', 'addr', 'add', cidr, 'dev', dev]);
  }

  async setUp(dev: string): Promise<void> {
    await this.run(['ip', 'link', 'set', dev, 'up']);
  }

  async setMaster(dev: string, master: string | null): Promise<void> {
    await this.run(master === null ? ['ip', 'link', 'set', dev, 'nomaster'] : ['ip', 'link', 'set', dev, 'master', master]);
  }

  async batch(lines: string[]): Promise<void> {
    if (!lines.length) return;
    await this.run(['ip', '-batch', '-'], { input: lines.join('\n') + '\n', hint: 'the commands were:\n      ' + lines.join('\n      ') });
  }

  async setMac(dev: string, mac: string): Promise<void> {
    await this.run(['ip', 'link', 'set', 'dev', dev, 'address', mac]);
  }

  async createVxlan(v: VxlanLink): Promise<void> {
    await this.run(['ip', 'link', 'add', v.name, 'mtu', String(v.mtu), 'type', 'vxlan', 'id', String(v.vni), 'local', v.local, 'dstport', String(v.dstport), 'nolearning'], {
      hint: `a link named ${v.name} may already exist (\`ip link show ${v.name}\`), or this kernel has no vxlan module`,
    });
    await this.run(['ip', 'link', 'set', v.name, 'alias', v.alias]);
    await this.run(['ip', 'link', 'set', v.name, 'master', v.bridge]);
    for (const peer of v.peers) await this.run(['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', v.name, 'dst', peer]);
    await this.run(['ip', 'link', 'set', v.name, 'up']);
  }

  async deleteLink(name: string): Promise<void> {
    await this.run(['ip', 'link', 'delete', name]);
  }

  async linkAlias(name: string): Promise<string | undefined> {
    const r = await this.run(['ip', '-j', 'link', 'show', 'dev', name], { readOnly: true, allowFailure: true });
    if (r.exitCode !== 0) {
      if (/does not exist|cannot find device/i.test(r.stderr)) return undefined;
      throw new CommandError(r.argv, r.exitCode, r.stderr);
    }
    const link = (parseJsonArray(r.stdout, 'ip -j link show') as IpLinkJson[])[0];
    return link?.ifalias || undefined;
  }
}
