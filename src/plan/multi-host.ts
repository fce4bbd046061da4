/**
 * Multi-host labs: one plan for several hypervisors, made of one single-host plan per host and the
 * VXLAN links that stretch networks across them. Pure.
 *
 * - Each host gets the bridges of the networks its guests use; the gateway address, NAT, the
 *   uplink and ip_forward of a network exist only on its gateway host. Elsewhere the network is a
 *   plain bridge with the isolation rules of an isolated network (that host never routes it).
 * - A network with guests on several hosts gets a VXLAN link on each of those hosts, enslaved to
 *   its bridge, with an fdb entry per peer.
 * - Guest disks are configured on the controller (where vlab runs) and copied to the guest's host
 *   (`disk.copy`); the running disk, the domain and the readiness wait are that host's.
 * - Actions on a remote host carry `host` and have ids prefixed `HOST/`.
 */
import { createHash } from 'node:crypto';
import type { Lab, LabHost, LabNetwork } from '../spec/types.js';
import type { HostFacts } from './facts.js';
import { isImageProblem } from './facts.js';
import type { Action, Conflict, Plan } from './types.js';
import { hostActions } from './host-side.js';
import { guestActions } from './guest-side.js';
import { findConflicts } from './conflicts.js';
import { labPaths, REMOTE_CACHE_ROOT, remoteImagePath } from './paths.js';
import { labTag } from './tags.js';
import { domainName } from '../render/domain-xml.js';
import type { PlanOptions } from './planner.js';

/** Action kinds made on the controller for every guest, wherever the guest runs. */
const CONTROLLER_KINDS = new Set(['disk.overlay', 'guest.config', 'ssh.keys']);

/** The VXLAN network identifier of a lab network: 24 bits hashed from lab and network (never 0). */
export function vxlanId(lab: string, network: string): number {
  const n = parseInt(createHash('sha256').update(`vxlan/${lab}/${network}`).digest('hex').slice(0, 6), 16);
  return n === 0 ? 1 : n;
}

/** The VXLAN link of a network: `vx` + its VNI (at most 10 characters). */
export function vxlanName(lab: string, network: string): string {
  return `vx${vxlanId(lab, network)}`;
}

/** The network as a host that is not its gateway host sees it: a bridge, no address, no NAT, no uplink. */
function bareNetwork(net: LabNetwork): LabNetwork {
  const { gateway: _g, uplink: _u, uplinkCheck: _c, ...rest } = net;
  return { ...rest, nat: false };
}

/** The facts a remote host's plan is made from: its own, with the controller's images (at the host's copies), templates and state paths. */
function factsOn(h: LabHost, facts: HostFacts): HostFacts | undefined {
  if (h.local) return facts;
  const own = facts.hosts?.[h.name];
  if (!own) return undefined;
  // Every file of an image (base disk, kernel, initrd, the kernels vlab took out of it) is the
  // host's copy in its image cache: nothing is written on the host outside vlab's own folders.
  const cached = (p: string) => remoteImagePath(REMOTE_CACHE_ROOT, p);
  const images = Object.fromEntries(
    Object.entries(facts.images).map(([name, info]) => [
      name,
      isImageProblem(info)
        ? info
        : { ...info, disk: cached(info.disk), ...(info.kernel ? { kernel: cached(info.kernel) } : {}), ...(info.initrd ? { initrd: cached(info.initrd) } : {}) },
    ]),
  );
  const imageKernels = facts.imageKernels
    ? Object.fromEntries(
        Object.entries(facts.imageKernels).map(([name, k]) => [name, 'error' in k ? k : { ...k, kernel: cached(k.kernel), ...(k.initrd ? { initrd: cached(k.initrd) } : {}) }]),
      )
    : undefined;
  return {
    ...own,
    images,
    ...(facts.imageFacts ? { imageFacts: facts.imageFacts } : {}),
    ...(imageKernels ? { imageKernels } : {}),
    templates: facts.templates,
    stateDir: facts.stateDir,
    stateRoot: facts.stateRoot,
    stateFiles: [...new Set([...facts.stateFiles, ...own.stateFiles])],
    otherLabs: [],
  };
}

export async function planMultiHost(lab: Lab, facts: HostFacts, opts: PlanOptions, chooseAccel: (lab: Lab, facts: HostFacts) => 'kvm' | 'tcg'): Promise<Plan> {
  const hosts = lab.hosts!;
  const conflicts: Conflict[] = [];
  const notes: string[] = [];
  const actions: Action[] = [];
  let accel: 'kvm' | 'tcg' | undefined;
  for (const h of hosts) {
    const hf = factsOn(h, facts);
    if (!hf) {
      conflicts.push({ kind: 'host-unread', message: `host '${h.name}' was not read`, hint: 'check that vlab can reach it over SSH (`vlab doctor -f LAB`)' });
      continue;
    }
    const where = h.local ? '' : `on host ${h.name}: `;
    const nets = lab.networks.filter((n) => n.hosts?.includes(h.name)).map((n) => (n.gatewayHost === h.name ? n : bareNetwork(n)));
    const guests = lab.guests.filter((g) => g.host === h.name);
    const sub: Lab = { ...lab, networks: nets, guests };
    const { hosts: _hosts, ...single } = sub;
    const hostAccel = chooseAccel(single, hf);
    accel ??= hostAccel;
    for (const c of findConflicts(single, hf, opts)) conflicts.push({ ...c, message: where + c.message });
    const hostSide = await hostActions(single, hf);
    const guestConflicts: Conflict[] = [];
    // Guests see every network as it is (their gateway is the gateway host's), and every guest of the lab in /etc/hosts.
    const guestLab: Lab = { ...single, networks: lab.networks };
    const guestSide = await guestActions(guestLab, hf, hostAccel, guestConflicts, hostSide, { ...lab, hosts: undefined } as Lab);
    for (const c of guestConflicts) conflicts.push({ ...c, message: where + c.message });
    if (hostAccel === 'tcg' && lab.accel === 'auto') notes.push(`${where || `on host ${h.name}: `}guests run under TCG (software emulation): ${hf.accel.reason}`);
    const mine = [...hostSide, ...guestSide];
    const located = new Set(mine.filter((a) => !CONTROLLER_KINDS.has(a.kind)).map((a) => a.id));
    const rename = (id: string) => (h.local || !located.has(id) ? id : `${h.name}/${id}`);
    for (const a of mine) {
      if (a.kind === 'ssh.keys') {
        mergeSshKeys(actions, a);
        continue;
      }
      const controllerSide = CONTROLLER_KINDS.has(a.kind);
      const out: Action = { ...a, id: rename(a.id), dependsOn: a.dependsOn.map(rename) };
      if (!h.local && !controllerSide) out.host = h.name;
      if (!h.local && a.details.kind === 'disk.overlay') {
        // Made on the controller, over the controller's base image.
        const guest = a.id.slice('disk.overlay:'.length);
        const image = facts.images[lab.guests.find((g) => g.name === guest)!.image];
        if (image && !isImageProblem(image)) out.details = { ...a.details, base: image.disk };
        out.description = `create qcow2 overlay ${a.details.overlay} over ${out.details.kind === 'disk.overlay' ? out.details.base : ''}, the guest's configured layer (made here, copied to host ${h.name})`;
      }
      actions.push(out);
    }
    if (!h.local) for (const g of guests) addDiskCopy(actions, lab, facts, h, g.name);
    for (const net of lab.networks.filter((n) => (n.hosts?.length ?? 0) > 1 && n.hosts!.includes(h.name))) {
      const peers = hosts.filter((o) => o.name !== h.name && net.hosts!.includes(o.name)).map((o) => o.underlay!);
      const name = vxlanName(lab.name, net.name);
      const vni = vxlanId(lab.name, net.name);
      const link = hf.links.find((l) => l.name === name);
      if (link && link.alias !== labTag(lab.name))
        conflicts.push({
          kind: 'vxlan-taken',
          message: `${where}a link named ${name} exists and is not this lab's`,
          hint: `remove it, or rename the network (the VNI ${vni} is hashed from lab and network)`,
        });
      const id = h.local ? `vxlan.create:${net.bridge}` : `${h.name}/vxlan.create:${net.bridge}`;
      const moduleLoaded = hf.vxlanLoaded !== false;
      actions.push({
        id,
        kind: 'vxlan.create',
        ...(h.local ? {} : { host: h.name }),
        target: name,
        description:
          `create VXLAN ${name} (VNI ${vni}, local ${h.underlay}, UDP ${lab.vxlan!.dstport}, MTU ${lab.vxlan!.mtu}) in bridge ${net.bridge}, flooding to ${peers.join(', ')}` +
          (moduleLoaded ? '' : '; this loads the kernel module vxlan, which stays loaded after down (a change to the whole host)'),
        dependsOn: [rename(`bridge.create:${net.bridge}`)],
        satisfied: !!link && link.alias === labTag(lab.name) && link.master === net.bridge && link.up,
        details: {
          kind: 'vxlan.create',
          name,
          vni,
          local: h.underlay!,
          dstport: lab.vxlan!.dstport,
          bridge: net.bridge,
          alias: labTag(lab.name),
          mtu: lab.vxlan!.mtu,
          peers,
          moduleLoaded,
        },
      });
      if (!moduleLoaded)
        notes.push(`${where || `on host ${h.name}: `}the kernel module vxlan is not loaded; \`up\` loads it (by creating ${name}) and it stays loaded after \`down\``);
    }
  }
  // A guest on one host starts once the networks it uses are complete on their gateway hosts too.
  const ids = new Set(actions.map((a) => a.id));
  const hostNames = hosts.map((h) => h.name);
  for (const a of actions) {
    const deps = a.dependsOn.flatMap((d) => (ids.has(d) ? [d] : [d, ...hostNames.map((n) => `${n}/${d}`)].filter((x) => ids.has(x))));
    if (a.kind === 'domain.start') deps.push(...actions.filter((x) => x.kind === 'vxlan.create').map((x) => x.id));
    a.dependsOn = [...new Set(deps)];
  }
  return { lab: lab.name, stateDir: labPaths(facts.stateRoot, lab.name).dir, accel: accel ?? 'tcg', actions, conflicts, notes };
}

/** One ssh.keys action for the whole lab: the guests of every host. */
function mergeSshKeys(actions: Action[], a: Action): void {
  const prior = actions.find((x) => x.id === a.id);
  if (!prior) {
    actions.push(a);
    return;
  }
  if (prior.details.kind !== 'ssh.keys' || a.details.kind !== 'ssh.keys') return;
  const guests = [...prior.details.guests, ...a.details.guests];
  prior.details = { ...prior.details, guests };
  prior.satisfied = prior.satisfied && a.satisfied;
  prior.description = prior.description.replace(/host key for .*, pinned/, `host key for ${guests.map((g) => g.guest).join(', ')}, pinned`);
}

/** The copy of a remote guest's files to its host, between its configuration and its running disk. */
function addDiskCopy(actions: Action[], lab: Lab, facts: HostFacts, h: LabHost, guest: string): void {
  const g = lab.guests.find((x) => x.name === guest)!;
  const config = actions.find((a) => a.id === `guest.config:${guest}`);
  const top = actions.find((a) => a.id === `${h.name}/disk.top:${guest}`);
  const define = actions.find((a) => a.id === `${h.name}/domain.define:${domainName(lab, g)}`);
  if (config?.details.kind !== 'guest.config' || top?.details.kind !== 'disk.top') return;
  const image = facts.images[g.image];
  if (!image || isImageProblem(image)) return;
  const layer = top.details.base;
  const files = [layer, ...(config.details.seedIso ? [config.details.seedIso] : [])];
  // The kernel files the domain boots (the image's own, or the ones vlab took out of it), as factsOn renamed them.
  const k = facts.imageKernels?.[g.image];
  const candidates = [image.kernel, image.initrd, ...(k && !('error' in k) ? [k.kernel, k.initrd] : [])].filter((p): p is string => !!p);
  const xml = define?.details.kind === 'domain.define' ? define.details.xml : '';
  const boot = [...new Set(candidates)].map((from) => ({ from, to: remoteImagePath(REMOTE_CACHE_ROOT, from) })).filter((c) => xml.includes(c.to));
  const id = `${h.name}/disk.copy:${guest}`;
  const to = remoteImagePath(REMOTE_CACHE_ROOT, image.disk);
  actions.push({
    id,
    kind: 'disk.copy',
    host: h.name,
    target: layer,
    description:
      `copy ${files.join(', ')} to host ${h.name} (sha256 compared), and the base image ${image.disk} to ${to} there unless it has it` +
      boot.map((b) => `, ${b.from} to ${b.to}`).join('') +
      '; rebase the layer onto the base copy',
    dependsOn: [config.id],
    satisfied: top.satisfied,
    details: { kind: 'disk.copy', guest, files, layer, base: { from: image.disk, to }, ...(boot.length ? { boot } : {}) },
  });
  top.dependsOn = [...top.dependsOn.filter((d) => d !== config.id), id];
}
