/**
 * Multi-host labs: the Host of each of the lab's hosts, made once per command from this
 * machine's Host (same dry-run and trace), and the routed Host the per-guest flows use.
 */
import type { Host } from '../host/index.js';
import { gatherFacts, gatherRemoteFacts, type GatherOptions } from '../host/facts.js';
import type { HostFacts } from '../plan/facts.js';
import { routedHost, type Placement } from '../host/routed-host.js';
import { domainName } from '../render/domain-xml.js';
import type { Lab, LabHost } from '../spec/types.js';
import { BugError, UsageError } from '../errors.js';

export interface LabHosts {
  /** The Host of a lab host by name (this machine's for undefined or a local host). */
  of(name: string | undefined): Host;
  /** Per-guest flows: each domain's libvirt and agent on its host, SSH through its network's gateway host. */
  routed: Host;
  /** The remote hosts by name. */
  remotes: Record<string, Host>;
}

/** The lab's hosts; for a single-host lab, this machine alone. */
export function labHosts(lab: Lab, local: Host): LabHosts {
  const remotes: Record<string, Host> = {};
  for (const h of lab.hosts ?? []) {
    if (h.local) continue;
    if (!local.remote) throw new BugError('this Host cannot reach remote hosts');
    remotes[h.name] = local.remote(h);
  }
  if (!Object.keys(remotes).length) return { of: () => local, routed: local, remotes };
  const remote = (name: string | undefined) => (name && remotes[name] ? name : undefined);
  const placement: Placement = { hosts: remotes, domainHost: {}, sshVia: {} };
  for (const g of lab.guests) {
    const dom = domainName(lab, g);
    const on = remote(g.host);
    if (on) placement.domainHost[dom] = on;
    const via = remote(sshVia(lab, g.name)?.name);
    if (via) placement.sshVia[dom] = via;
  }
  return { of: (name) => (name ? (remotes[name] ?? local) : local), routed: routedHost(local, placement), remotes };
}

/** Refuses a flow that acts on one host only, for a lab whose guests run on remote hosts. */
export function requireSingleHost(lab: Lab, what: string): void {
  if (lab.hosts?.some((h) => !h.local))
    throw new UsageError(
      `${what} of a multi-host lab is not supported yet (lab '${lab.name}' runs on ${lab.hosts.map((h) => h.name).join(', ')})`,
      'run `vlab down` then `vlab up` to start over',
    );
}

/** The facts of this machine and, for a multi-host lab, of each remote host (read over SSH, in parallel). */
export async function gatherLabFacts(lab: Lab, hosts: LabHosts, local: Host, root: string, opts: GatherOptions): Promise<HostFacts> {
  const remote = Object.fromEntries(await Promise.all(Object.entries(hosts.remotes).map(async ([name, h]) => [name, await gatherRemoteFacts(lab, h, root)] as const)));
  return gatherFacts(lab, local, root, { ...opts, ...(Object.keys(remote).length ? { remote } : {}) });
}

/** The remote host SSH to a guest goes through: the gateway host of the network its SSH address is on (undefined: none, or this machine). */
export function sshVia(lab: Lab, guest: string): LabHost | undefined {
  const g = lab.guests.find((x) => x.name === guest);
  const nic = g?.interfaces.find((i) => i.address && lab.networks.find((n) => n.name === i.network)?.gateway);
  const name = lab.networks.find((n) => n.name === nic?.network)?.gatewayHost;
  const h = lab.hosts?.find((x) => x.name === name);
  return h && !h.local ? h : undefined;
}
