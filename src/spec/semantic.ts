/**
 * Cross-field rules and defaults: turns a schema-valid lab file into the resolved Lab, collecting
 * every problem on the way (never stopping at the first). Pure.
 */
import path from 'node:path';
import { NAME_PATTERN } from './schema.js';
import type { LabFile } from './schema.js';
import type { RawProblem } from './zod-problems.js';
import { defaultBridgeName, defaultMac } from './defaults.js';
import { broadcastOf, contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, type Cidr } from './ipv4.js';
import type { Lab, LabGuest, LabInterface, LabNetwork, NetconfigKind, ExecTransport, Accel, VerifyCheckSpec } from './types.js';
import { didYouMean } from './suggest.js';
import { hasAddress } from './nic-mode.js';
import { resolveHosts } from './hosts.js';

/** `address: none`: the NIC gets no address at all. */
export const NO_ADDRESS = 'none';

/**
 * Stands for a value the schema rejected (or a required one that is missing): load.ts puts it in
 * so that the cross-field rules still run on everything else in the same pass; every rule skips it.
 */
export const UNSET = '\u0000unset';

const NAME_HINT = 'use 1-16 characters: a lower-case letter, then lower-case letters, digits or -';

/**
 * The resolved lab and every cross-field problem. The lab is returned even with problems (as far
 * as it resolves: what the later checks of images and templates need); it is valid only when
 * there are none.
 */
export function resolveLab(file: LabFile, labPath: string): { lab: Lab; problems: RawProblem[] } {
  const problems: RawProblem[] = [];
  const add = (p: RawProblem) => problems.push(p);
  const dir = path.dirname(labPath);

  // Networks.
  const networks: LabNetwork[] = [];
  const cidrs = new Map<string, Cidr>();
  const bridges = new Map<string, string>();
  for (const [name, n] of Object.entries(file.networks)) {
    const at = ['networks', name];
    if (!NAME_PATTERN.test(name)) add({ path: at, atKey: true, message: `invalid network name '${name}'`, hint: NAME_HINT });
    const net: LabNetwork = { name, bridge: n.bridge ?? defaultBridgeName(file.name, name), nat: n.nat };
    if (n.uplink !== undefined) {
      net.uplink = n.uplink;
      if (n.nat)
        add({
          path: [...at, 'nat'],
          message: 'a network with an uplink cannot also have nat',
          hint: 'guests on a bridged uplink are on the LAN already: remove `nat: true` or the uplink',
        });
      if (!/^[A-Za-z0-9_.-]{1,15}$/.test(n.uplink))
        add({ path: [...at, 'uplink'], message: `'${n.uplink}' is not a valid interface name`, hint: 'the host NIC to bridge, as `ip link` shows it, e.g. eth0' });
      if (n.uplink_check !== undefined) {
        if (parseIp(n.uplink_check) === undefined)
          add({ path: [...at, 'uplink_check'], message: `'${n.uplink_check}' is not an IPv4 address`, hint: 'an address on the LAN that answers pings, e.g. your router' });
        else net.uplinkCheck = n.uplink_check;
      }
    }
    if (n.uplink_check !== undefined && n.uplink === undefined)
      add({ path: [...at, 'uplink_check'], message: 'uplink_check needs an uplink', hint: 'remove uplink_check, or add uplink: NIC' });
    if (n.cidr !== undefined) {
      const c = parseCidr(n.cidr);
      if (!c) add({ path: [...at, 'cidr'], message: `'${n.cidr}' is not an IPv4 network`, hint: 'write it as address/prefix, e.g. 172.16.0.0/16' });
      else if (c.prefix > 30 || c.prefix < 8) add({ path: [...at, 'cidr'], message: `prefix /${c.prefix} is out of range`, hint: 'use a prefix from /8 to /30' });
      else {
        const network = c.address - (c.address % 2 ** (32 - c.prefix));
        const cidr = { network, prefix: c.prefix };
        if (network !== c.address) add({ path: [...at, 'cidr'], message: `'${n.cidr}' has host bits set`, hint: `did you mean ${formatCidr(cidr)}?` });
        else {
          for (const [other, oc] of cidrs) {
            if (overlaps(cidr, oc))
              add({ path: [...at, 'cidr'], message: `${n.cidr} overlaps network '${other}' (${formatCidr(oc)})`, hint: 'give each network its own address range' });
          }
          cidrs.set(name, cidr);
          net.cidr = formatCidr(cidr);
          net.prefix = cidr.prefix;
          const gw = n.gateway ?? (n.uplink ? undefined : formatIp(network + 1));
          if (gw !== undefined) {
            const g = checkHost(gw, cidr, [...at, 'gateway'], 'gateway', add);
            if (g !== undefined) net.gateway = gw;
          }
        }
      }
    } else {
      if (n.gateway !== undefined) add({ path: [...at, 'gateway'], message: 'a gateway needs a cidr', hint: 'add `cidr:` to this network' });
      if (n.uplink === undefined)
        add({ path: at, atKey: true, message: `network '${name}' needs a cidr (routed or isolated) or an uplink (bridged)`, hint: 'add `cidr: 172.16.0.0/16` for example' });
      if (n.nat && n.uplink === undefined) add({ path: [...at, 'nat'], message: 'nat needs a cidr to masquerade', hint: 'add `cidr:` to this network' });
    }
    const prior = bridges.get(net.bridge);
    if (prior !== undefined) add({ path: [...at, 'bridge'], message: `bridge '${net.bridge}' is also used by network '${prior}'`, hint: 'give each network its own bridge' });
    bridges.set(net.bridge, name);
    networks.push(net);
  }
  const netByName = new Map(networks.map((n) => [n.name, n]));
  const netNames = [...netByName.keys()];

  // Images.
  const images = Object.entries(file.images).map(([name, p]) => {
    if (!NAME_PATTERN.test(name)) add({ path: ['images', name], atKey: true, message: `invalid image name '${name}'`, hint: NAME_HINT });
    return { name, path: path.resolve(dir, p) };
  });
  const imageNames = new Set(images.map((i) => i.name));

  // Guests.
  const guests: LabGuest[] = [];
  const addrOwner = new Map<string, string>();
  const macOwner = new Map<string, string>();
  const gateways = new Map(networks.filter((n) => n.gateway).map((n) => [n.gateway!, n.name]));
  for (const [gname, g] of Object.entries(file.guests)) {
    const at = ['guests', gname];
    if (!NAME_PATTERN.test(gname)) add({ path: at, atKey: true, message: `invalid guest name '${gname}'`, hint: NAME_HINT });
    const image = g.image ?? UNSET;
    if (g.image === undefined)
      add({
        path: at,
        atKey: true,
        message: `guest '${gname}' has no image`,
        hint: 'add `image:` (a key of images: or a path such as vm-images/tiny) to the guest, or set defaults.image',
      });
    else if (image !== UNSET && !imageNames.has(image)) {
      if (/[/.]/.test(image)) {
        const resolved = path.resolve(dir, image);
        if (!images.some((i) => i.name === image)) images.push({ name: image, path: resolved });
        imageNames.add(image);
      } else {
        const guess = didYouMean(image, [...imageNames]);
        add({
          path: [...at, 'image'],
          message: `unknown image '${image}'`,
          hint: guess ? `did you mean '${guess}'?` : `define it under images: or give a path such as vm-images/tiny`,
        });
      }
    }
    const interfaces: LabInterface[] = [];
    g.interfaces.forEach((i, index) => {
      const iat = [...at, 'interfaces', index];
      const net = netByName.get(i.network);
      if (!net && i.network !== UNSET) {
        const guess = didYouMean(i.network, netNames);
        add({
          path: [...iat, 'network'],
          message: `unknown network '${i.network}'`,
          hint: guess ? `did you mean '${guess}'?` : `networks defined: ${netNames.join(', ') || 'none'}`,
        });
      }
      const iface: LabInterface = { index, network: i.network, mac: (i.mac ?? defaultMac(file.name, gname, index)).toLowerCase(), ifname: `eth${index}` };
      if (i.address === NO_ADDRESS) iface.unconfigured = true;
      else if (i.address !== undefined && /^(none|no|off|null|dhcp|auto)$/i.test(i.address.trim())) {
        add({
          path: [...iat, 'address'],
          message: `'${i.address}' is not an IPv4 address`,
          hint: /^(dhcp|auto)$/i.test(i.address.trim())
            ? 'leave `address:` out for DHCP'
            : 'write `address: none` (lower case) for a NIC without any address, or leave `address:` out for DHCP',
        });
      } else if (i.address !== undefined && net) {
        const a = checkAddress(i.address, net, [...iat, 'address'], add);
        if (a !== undefined) {
          iface.address = a;
          iface.prefix = net.prefix;
          const other = addrOwner.get(a);
          if (other) add({ path: [...iat, 'address'], message: `address ${a} is also used by ${other}`, hint: 'give each interface its own address' });
          else addrOwner.set(a, `guest '${gname}'`);
          const gwNet = gateways.get(a);
          if (gwNet) add({ path: [...iat, 'address'], message: `address ${a} is the gateway of network '${gwNet}'`, hint: 'the host owns the gateway address; pick another' });
        }
      }
      if (parseInt(iface.mac.slice(0, 2), 16) & 1)
        add({ path: [...iat, 'mac'], message: `${iface.mac} is a multicast MAC`, hint: 'the first byte must be even, e.g. 52:54:00:...' });
      const mOwner = macOwner.get(iface.mac);
      if (mOwner)
        add({ path: [...iat, 'mac'], message: `MAC ${iface.mac} is also used by ${mOwner}`, hint: 'give each interface its own MAC, or leave mac: out for a derived one' });
      else macOwner.set(iface.mac, `guest '${gname}' interface ${index}`);
      interfaces.push(iface);
    });
    assignDefaultRoute(interfaces, netByName);
    const template = g.template === undefined || g.template === UNSET ? undefined : templatePath(g.template, dir, [...at, 'template'], add);
    guests.push({
      name: gname,
      image,
      memory: g.memory,
      vcpus: g.vcpus,
      netconfig: g.netconfig as NetconfigKind,
      exec: g.exec as ExecTransport,
      ...(g.boot !== undefined ? { boot: g.boot } : {}),
      ...(template !== undefined ? { template } : {}),
      interfaces,
    });
  }
  const guestNames = guests.map((g) => g.name);
  const placed = resolveHosts(file, dir, networks, guests, add);

  // Verify.
  file.verify.external.forEach((t, i) => {
    if (t === UNSET) return;
    const n = parseIp(t);
    if (n === undefined)
      add({ path: ['verify', 'external', i], message: `'${t}' is not an IPv4 address`, hint: 'external targets are IPv4 addresses outside the lab, e.g. 198.18.0.2' });
    else
      for (const [net, c] of cidrs)
        if (contains(c, n)) add({ path: ['verify', 'external', i], message: `${t} is inside lab network '${net}'`, hint: 'external targets must be outside every lab network' });
  });
  const unaddressed = new Set(guests.filter((g) => !g.interfaces.some(hasAddress)).map((g) => g.name));
  const checks: VerifyCheckSpec[] = file.verify.checks.map((c, i) => {
    const at = ['verify', 'checks', i];
    if (c.from === UNSET || c.to === UNSET) return { from: c.from, to: c.to, expect: c.expect };
    if (!guestNames.includes(c.from)) add({ path: [...at, 'from'], message: `unknown guest '${c.from}'`, hint: hintFor(c.from, guestNames) });
    else if (unaddressed.has(c.from))
      add({
        path: [...at, 'from'],
        message: `guest '${c.from}' has no address to ping from: every interface is \`address: none\``,
        hint: 'give one of its interfaces an address (or leave address out for DHCP), or check from another guest',
      });
    if (unaddressed.has(c.to))
      add({
        path: [...at, 'to'],
        message: `guest '${c.to}' has no address to ping: every interface is \`address: none\``,
        hint: 'give one of its interfaces an address, or name another target',
      });
    if (!guestNames.includes(c.to) && c.to !== 'gateway' && c.to !== 'external' && parseIp(c.to) === undefined) {
      add({ path: [...at, 'to'], message: `'${c.to}' is not a guest, an IPv4 address, 'gateway' or 'external'`, hint: hintFor(c.to, [...guestNames, 'gateway', 'external']) });
    }
    if (c.to === 'external' && file.verify.external.length === 0)
      add({ path: [...at, 'to'], message: "'external' needs verify.external targets", hint: 'add verify.external: [198.18.0.2] for example' });
    return { from: c.from, to: c.to, expect: c.expect, ...(c.count !== undefined ? { count: c.count } : {}) };
  });

  (file.test?.outside ?? []).forEach((t, i) => {
    const n = parseIp(t);
    if (n === undefined) add({ path: ['test', 'outside', i], message: `'${t}' is not an IPv4 address`, hint: 'e.g. 198.18.0.2 (RFC 2544 test addresses are a good choice)' });
    else
      for (const [net, c] of cidrs)
        if (contains(c, n)) add({ path: ['test', 'outside', i], message: `${t} is inside lab network '${net}'`, hint: 'the outside world lies outside every lab network' });
  });

  const lab: Lab = {
    name: file.name,
    file: labPath,
    dir,
    accel: file.accel as Accel,
    networks,
    images,
    guests,
    verify: { external: file.verify.external, checks },
    ...(placed.hosts ? { hosts: placed.hosts, vxlan: placed.vxlan! } : {}),
    ...(file.test ? { test: { ...(file.test.outside ? { outside: file.test.outside } : {}), ...(file.test.lan ? { lan: file.test.lan } : {}) } } : {}),
  };
  return { lab, problems };
}

/**
 * A guest's template, resolved against the lab folder; a problem (and undefined) when it leaves
 * that folder: the lab file names files beside it, never `../../etc/shadow`.
 */
function templatePath(given: string, dir: string, at: RawProblem['path'], add: (p: RawProblem) => void): string | undefined {
  const resolved = path.resolve(dir, given);
  const rel = path.relative(dir, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    add({
      path: at,
      message: `template '${given}' is outside the lab file's folder`,
      hint: 'keep domain templates beside the lab file: copy it (or templates/domain.xml) into the folder and name it relative to the lab file',
    });
    return undefined;
  }
  return resolved;
}

function hintFor(word: string, candidates: string[]): string {
  const g = didYouMean(word, candidates);
  return g ? `did you mean '${g}'?` : `known: ${candidates.join(', ') || 'none'}`;
}

/** Checks a host address (gateway or guest) inside its network. Returns the address number when valid. */
function checkHost(text: string, cidr: Cidr, at: RawProblem['path'], what: string, add: (p: RawProblem) => void): number | undefined {
  const n = parseIp(text);
  if (n === undefined) {
    add({ path: at, message: `'${text}' is not an IPv4 address`, hint: 'write four numbers 0-255 separated by dots, e.g. 172.16.0.2' });
    return undefined;
  }
  if (!contains(cidr, n)) {
    add({
      path: at,
      message: `${what} ${text} is outside ${formatCidr(cidr)}`,
      hint: `pick an address between ${formatIp(cidr.network + 1)} and ${formatIp(broadcastOf(cidr.network, cidr.prefix) - 1)}`,
    });
    return undefined;
  }
  if (n === cidr.network) {
    add({ path: at, message: `${text} is the network address of ${formatCidr(cidr)}`, hint: `use a host address such as ${formatIp(cidr.network + 1)}` });
    return undefined;
  }
  if (n === broadcastOf(cidr.network, cidr.prefix)) {
    add({ path: at, message: `${text} is the broadcast address of ${formatCidr(cidr)}`, hint: 'use a host address below it' });
    return undefined;
  }
  return n;
}

function checkAddress(text: string, net: LabNetwork, at: RawProblem['path'], add: (p: RawProblem) => void): string | undefined {
  if (!net.cidr || net.prefix === undefined) {
    add({
      path: at,
      message: `network '${net.name}' has no cidr, so a static address cannot be checked`,
      hint: "add `cidr:` to the network (the LAN's range for an uplink), or drop the address for DHCP",
    });
    return undefined;
  }
  let bare = text;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    bare = text.slice(0, slash);
    const p = Number(text.slice(slash + 1));
    if (String(p) !== text.slice(slash + 1) || p !== net.prefix) {
      add({ path: at, message: `prefix in ${text} does not match network '${net.name}' (${net.cidr})`, hint: `write ${bare}/${net.prefix} or just ${bare}` });
      return undefined;
    }
  }
  const cidr = { network: parseIp(net.cidr.split('/')[0]!)!, prefix: net.prefix };
  return checkHost(bare, cidr, at, 'address', add) === undefined ? undefined : bare;
}

/**
 * The default route goes through one interface only: the first static one on a NAT or uplink
 * network, else the first static one on a network with a gateway. An `address: none` NIC has no
 * address, so it is never chosen.
 */
function assignDefaultRoute(ifaces: LabInterface[], nets: Map<string, LabNetwork>): void {
  const candidates = ifaces.filter((i) => i.address && nets.get(i.network)?.gateway);
  const chosen = candidates.find((i) => nets.get(i.network)?.nat || nets.get(i.network)?.uplink) ?? candidates[0];
  if (chosen) chosen.gateway = nets.get(chosen.network)!.gateway;
}
