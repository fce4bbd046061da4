/**
 * Gathers the read-only HostFacts snapshot the planner works from, reading in parallel. A
 * missing libvirtd or iptables is a fact (`available: false`), not an error: the planner decides
 * whether the lab needs it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostFacts, IptablesFacts, LibvirtFacts } from '../plan/facts.js';
import { readLabSummaries } from '../state/store.js';
import type { Lab } from '../spec/types.js';
import { detectAccel } from './accel.js';
import { resolveImages } from './image-resolver.js';
import { gatherImageFacts, gatherImageKernels } from './image-facts.js';
import type { ImageCache } from './image-cache.js';
import type { Host } from './index.js';

/** The default domain template shipped with vlab. */
export const DEFAULT_TEMPLATE = fileURLToPath(new URL('../../templates/domain.xml', import.meta.url));

async function iptablesFacts(host: Host): Promise<IptablesFacts> {
  try {
    const [natPostrouting, forward, forwardPolicy, tables] = await Promise.all([
      host.iptables.rules('nat', 'POSTROUTING'),
      host.iptables.rules('filter', 'FORWARD'),
      host.iptables.policy('FORWARD'),
      host.iptables.tables(),
    ]);
    return { available: true, natPostrouting, forward, forwardPolicy, tables };
  } catch {
    return { available: false, natPostrouting: [], forward: [], forwardPolicy: 'unknown' };
  }
}

async function libvirtFacts(host: Host): Promise<LibvirtFacts> {
  try {
    const [networks, domains] = await Promise.all([host.libvirt.listNetworks(), host.libvirt.listDomains()]);
    return { available: true, networks, domains };
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    return {
      available: false,
      error:
        msg
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .slice(-1)[0] ?? msg,
      networks: [],
      domains: [],
    };
  }
}

/** What every host's plan reads of it, in parallel: links, addresses, routes, forwarding, iptables, libvirt. */
async function networkFacts(host: Host): Promise<Pick<HostFacts, 'links' | 'addresses' | 'routes' | 'ipForward' | 'iptables' | 'libvirt'>> {
  const [links, addresses, routes, ipForward, iptables, libvirt] = await Promise.all([
    host.ip.listLinks(),
    host.ip.listAddresses(),
    host.ip.listRoutes(),
    host.sysctl.get('net.ipv4.ip_forward').then(
      (v) => v === '1',
      () => false,
    ),
    iptablesFacts(host),
    libvirtFacts(host),
  ]);
  return { links, addresses, routes, ipForward, iptables, libvirt };
}

/** Domain templates: the default under "default", and each guest's own by absolute path (unreadable ones are left out). */
export function readTemplates(lab: Lab, defaultPath = DEFAULT_TEMPLATE): Record<string, string> {
  const out: Record<string, string> = {};
  const read = (key: string, file: string) => {
    try {
      out[key] = fs.readFileSync(file, 'utf8');
    } catch {
      /* the planner reports a missing template */
    }
  };
  read('default', defaultPath);
  for (const g of lab.guests) if (g.template && !(g.template in out)) read(g.template, g.template);
  return out;
}

export interface GatherOptions {
  /** Images already resolved by the caller (validation does it first); resolved here otherwise. */
  images?: HostFacts['images'];
  /** The SSH client address this vlab runs under (the caller reads SSH_CONNECTION). */
  sshClient?: string;
  /** Where image facts are cached (default: VLAB_CACHE_DIR or /var/cache/vlab). */
  imageCache?: ImageCache;
  /** Multi-host labs: the facts of each remote host (gatherRemoteFacts), by name. */
  remote?: Record<string, HostFacts>;
}

/**
 * Everything the planner needs to know about the host, read-only and in parallel: links,
 * addresses, routes, forwarding, iptables, libvirt, images and what their files show, templates,
 * other labs, the files already in this lab's state dir, DHCP clients on uplink NICs. The only
 * place facts are gathered.
 */
export async function gatherFacts(lab: Lab, host: Host, stateRoot: string, opts: GatherOptions = {}): Promise<HostFacts> {
  const [{ links, addresses, routes, ipForward, iptables, libvirt }, images] = await Promise.all([networkFacts(host), opts.images ?? resolveImages(lab, host.qemuImg)]);
  const stateDir = path.join(stateRoot, lab.name);
  const imageFacts = await gatherImageFacts(lab, images, host, opts.imageCache);
  return {
    links,
    addresses,
    routes,
    ipForward,
    iptables,
    libvirt,
    accel: detectAccel(),
    images,
    imageFacts,
    imageKernels: await gatherImageKernels(lab, images, imageFacts, host, opts.imageCache),
    templates: readTemplates(lab),
    otherLabs: readLabSummaries(stateRoot, lab.name),
    stateDir,
    stateRoot,
    stateFiles: host.files.list(stateDir),
    dhcpClients: lab.networks.flatMap((n) => (n.uplink ? host.processes.dhcpClients(n.uplink).map((c) => ({ ifname: c.ifname, argv: c.argv })) : [])),
    ...(opts.sshClient ? { sshClient: opts.sshClient } : {}),
    ...(lab.hosts ? { vxlanLoaded: host.files.exists('/sys/module/vxlan') } : {}),
    ...(opts.remote ? { hosts: opts.remote } : {}),
  };
}

/**
 * Multi-host labs: what the planner needs to know about a remote host, read over SSH through its
 * ports: links, addresses, routes, forwarding, iptables, libvirt, the accelerator, whether the
 * vxlan module is loaded, and the lab's files already there. Images, templates and other labs are
 * the controller's (the planner combines them).
 */
export async function gatherRemoteFacts(lab: Lab, host: Host, stateRoot: string): Promise<HostFacts> {
  const { links, addresses, routes, ipForward, iptables, libvirt } = await networkFacts(host);
  const stateDir = path.join(stateRoot, lab.name);
  return {
    links,
    addresses,
    routes,
    ipForward,
    iptables,
    libvirt,
    accel: detectAccel((p) => host.files.exists(p)),
    images: {},
    templates: {},
    otherLabs: [],
    stateDir,
    stateRoot,
    stateFiles: host.files.list(stateDir),
    vxlanLoaded: host.files.exists('/sys/module/vxlan'),
  };
}
