/**
 * Multi-host labs: `hosts:`, each guest's `host:`, each network's `gateway_host:`, and what
 * follows from them (the hosts each network's bridge exists on, the MTU of NICs on networks that
 * span hosts). Every problem is collected with its YAML path. Pure.
 */
import path from 'node:path';
import { NAME_PATTERN } from './schema.js';
import type { LabFile } from './schema.js';
import type { RawProblem } from './zod-problems.js';
import { parseIp } from './ipv4.js';
import { didYouMean } from './suggest.js';
import type { Lab, LabGuest, LabHost, LabNetwork, LabSshTarget } from './types.js';

const SSH_URI = /^qemu\+ssh:\/\/(?:([^@/?#]+)@)?(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?\/(system|session)(?:\?(.*))?$/;

/** A `qemu+ssh://[user@]host[:port]/system[?keyfile=PATH]` URI: the SSH target and the URI to use on that host; undefined when it is not one. */
export function parseSshUri(uri: string, dir: string): { ssh: LabSshTarget; libvirtUri: string } | undefined {
  const m = SSH_URI.exec(uri);
  if (!m) return undefined;
  const [, user, host, port, mode, query] = m;
  const params = new URLSearchParams(query ?? '');
  const keyfile = params.get('keyfile');
  const knownHosts = params.get('known_hosts');
  const ssh: LabSshTarget = {
    host: host!.replace(/^\[|\]$/g, ''),
    ...(user ? { user: decodeURIComponent(user) } : {}),
    ...(port ? { port: Number(port) } : {}),
    ...(keyfile ? { identity: path.resolve(dir, keyfile) } : {}),
    ...(knownHosts ? { knownHosts: path.resolve(dir, knownHosts) } : {}),
  };
  return { ssh, libvirtUri: `qemu:///${mode}` };
}

/** Whether a libvirt URI names this machine (no host part, or a qemu:// URI without transport to another machine). */
export function isLocalUri(uri: string): boolean {
  return /^[a-z+]+:\/\/\/[^/]*/.test(uri) && !/^\w+\+(ssh|tcp|tls|libssh|libssh2):/.test(uri);
}

const HOST_HINT = 'use 1-16 characters: a lower-case letter, then lower-case letters, digits or -';

export interface ResolvedHosts {
  hosts?: LabHost[];
  vxlan?: { dstport: number; mtu: number };
}

/**
 * Resolves `hosts:` and places guests and networks on them (mutating `networks` and `guests`:
 * `host`, `hosts`, `gatewayHost`, NIC `mtu`). Without `hosts:`, a `host:` or `gateway_host:` is a
 * problem and nothing changes.
 */
export function resolveHosts(file: LabFile, dir: string, networks: LabNetwork[], guests: LabGuest[], add: (p: RawProblem) => void): ResolvedHosts {
  const rawHosts = file.hosts;
  if (!rawHosts) {
    for (const [g, raw] of Object.entries(file.guests))
      if (raw.host !== undefined)
        add({ path: ['guests', g, 'host'], message: `host '${raw.host}' needs a hosts: section`, hint: 'add hosts: (docs/multi-host.md), or remove host:' });
    for (const [n, raw] of Object.entries(file.networks))
      if (raw.gateway_host !== undefined)
        add({
          path: ['networks', n, 'gateway_host'],
          message: `gateway_host '${raw.gateway_host}' needs a hosts: section`,
          hint: 'add hosts: (docs/multi-host.md), or remove gateway_host:',
        });
    return {};
  }
  const hosts: LabHost[] = [];
  for (const [name, raw] of Object.entries(rawHosts)) {
    const at = ['hosts', name];
    if (!NAME_PATTERN.test(name)) add({ path: at, atKey: true, message: `invalid host name '${name}'`, hint: HOST_HINT });
    if (raw === 'local' || raw.local) {
      const h: LabHost = { name, local: true, libvirtUri: 'qemu:///system' };
      if (raw !== 'local') {
        if (raw.ssh) add({ path: [...at, 'ssh'], message: 'a local host is not reached over SSH', hint: 'remove ssh:, or remove local: true' });
        if (raw.uri !== undefined) {
          if (!isLocalUri(raw.uri))
            add({ path: [...at, 'uri'], message: `'${raw.uri}' names another machine, but this host is local`, hint: 'use qemu:///system, or remove local: true' });
          else h.libvirtUri = raw.uri;
        }
        if (raw.underlay !== undefined) h.underlay = checkUnderlay(raw.underlay, [...at, 'underlay'], add);
      }
      if (hosts.some((o) => o.local))
        add({ path: at, atKey: true, message: `host '${name}' is a second local host`, hint: 'one host may be this machine; name the others by their SSH target' });
      hosts.push(h);
      continue;
    }
    const h: LabHost = { name, local: false, libvirtUri: 'qemu:///system' };
    if (raw.uri !== undefined) {
      const parsed = parseSshUri(raw.uri, dir);
      if (!parsed)
        add({
          path: [...at, 'uri'],
          message: `'${raw.uri}' is not a qemu+ssh:// URI`,
          hint: 'write qemu+ssh://root@HOST/system (vlab reaches remote hosts over SSH only)',
        });
      else {
        h.uri = raw.uri;
        h.libvirtUri = parsed.libvirtUri;
        h.ssh = parsed.ssh;
      }
    }
    if (raw.ssh) {
      h.ssh = {
        ...h.ssh,
        host: raw.ssh.host,
        ...(raw.ssh.user !== undefined ? { user: raw.ssh.user } : {}),
        ...(raw.ssh.port !== undefined ? { port: raw.ssh.port } : {}),
        ...(raw.ssh.identity !== undefined ? { identity: path.resolve(dir, raw.ssh.identity) } : {}),
        ...(raw.ssh.known_hosts !== undefined ? { knownHosts: path.resolve(dir, raw.ssh.known_hosts) } : {}),
      };
    }
    if (!h.ssh)
      add({ path: at, atKey: true, message: `host '${name}' has neither uri: nor ssh:`, hint: 'give uri: qemu+ssh://root@HOST/system, or write `local` for this machine' });
    if (raw.underlay !== undefined) h.underlay = checkUnderlay(raw.underlay, [...at, 'underlay'], add);
    else if (h.ssh && parseIp(h.ssh.host) !== undefined) h.underlay = h.ssh.host;
    hosts.push(h);
  }
  if (!hosts.length) {
    add({ path: ['hosts'], message: 'hosts: is empty', hint: 'name at least one host, or remove hosts:' });
    return {};
  }
  const names = hosts.map((h) => h.name);
  const first = names[0]!;
  const ref = (value: string | undefined, at: RawProblem['path']): string => {
    if (value === undefined) return first;
    if (names.includes(value)) return value;
    const guess = didYouMean(value, names);
    add({ path: at, message: `unknown host '${value}'`, hint: guess ? `did you mean '${guess}'?` : `hosts defined: ${names.join(', ')}` });
    return first;
  };
  for (const g of guests) g.host = ref(file.guests[g.name]?.host, ['guests', g.name, 'host']);
  const vxlan = { dstport: file.vxlan?.dstport ?? 4789, mtu: file.vxlan?.mtu ?? 1450 };
  for (const net of networks) {
    const raw = file.networks[net.name];
    net.gatewayHost = ref(raw?.gateway_host, ['networks', net.name, 'gateway_host']);
    const on = new Set(guests.filter((g) => g.interfaces.some((i) => i.network === net.name)).map((g) => g.host!));
    if (net.gateway || net.nat || net.uplink || !on.size) on.add(net.gatewayHost);
    net.hosts = names.filter((n) => on.has(n));
    const gwHost = hosts.find((h) => h.name === net.gatewayHost)!;
    if (net.uplink && !gwHost.local)
      add({
        path: ['networks', net.name, 'uplink'],
        message: `a bridged uplink on remote host '${gwHost.name}' is not supported`,
        hint: 'set gateway_host: to the local host (the uplink moves there, with its safety check), or drop the uplink',
      });
    if (net.hosts.length > 1) {
      for (const h of hosts.filter((x) => on.has(x.name) && !x.underlay))
        add({
          path: ['hosts', h.name],
          atKey: true,
          message: `host '${h.name}' needs underlay: (its address for VXLAN): network '${net.name}' spans ${net.hosts.join(', ')}`,
          hint: 'add underlay: with the IPv4 address the other hosts reach it at',
        });
      for (const g of guests) for (const i of g.interfaces) if (i.network === net.name) i.mtu = vxlan.mtu;
    }
  }
  return { hosts, vxlan };
}

function checkUnderlay(text: string, at: RawProblem['path'], add: (p: RawProblem) => void): string | undefined {
  if (parseIp(text) !== undefined) return text;
  add({ path: at, message: `'${text}' is not an IPv4 address`, hint: "the host's address on the network between the hosts, e.g. 198.19.0.2" });
  return undefined;
}

/**
 * `-c qemu+ssh://…` without `hosts:`: the whole lab on that one remote host (every change made
 * there, the journal kept here). Undefined when the URI is not a qemu+ssh URI.
 */
export function placeOnRemote(lab: Lab, uri: string): Lab | undefined {
  const parsed = parseSshUri(uri, lab.dir);
  if (!parsed) return undefined;
  const plain = parsed.ssh.host.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const label = (/^[a-z]/.test(plain) ? plain : `h-${plain}`).slice(0, 16).replace(/-+$/, '');
  const name = NAME_PATTERN.test(label) ? label : 'remote';
  const host: LabHost = {
    name,
    local: false,
    uri,
    libvirtUri: parsed.libvirtUri,
    ssh: parsed.ssh,
    ...(parseIp(parsed.ssh.host) !== undefined ? { underlay: parsed.ssh.host } : {}),
  };
  return {
    ...lab,
    hosts: [host],
    vxlan: { dstport: 4789, mtu: 1450 },
    networks: lab.networks.map((n) => ({ ...n, hosts: [name], gatewayHost: name })),
    guests: lab.guests.map((g) => ({ ...g, host: name })),
  };
}
