/**
 * Multi-host labs: the hosts of a lab as one Host for the flows that act per guest (readiness,
 * verify, exec, status, snapshots, ssh, console). Each domain's libvirt calls and guest agent go
 * to the host it runs on; SSH to a guest goes through the host that holds the gateway of the
 * network SSH uses (no jump when that is this machine). Everything else is the controller's (the
 * machine vlab runs on). Host-side changes never go through here: apply and down pick the host of
 * each action themselves.
 */
import type { Host } from './index.js';
import type { Libvirt } from './libvirt/index.js';
import { LabExec } from './lab-exec.js';
import type { GuestExec } from './guest-exec.types.js';
import { HostUnreachableError } from '../errors.js';

export interface Placement {
  /** The remote hosts by name (hosts of the lab that are this machine are not in it). */
  hosts: Record<string, Host>;
  /** libvirt domain → the remote host it runs on (absent: this machine). */
  domainHost: Record<string, string>;
  /** libvirt domain → the remote host SSH to it goes through (absent: directly from this machine). */
  sshVia: Record<string, string>;
}

/** Domain methods of the Libvirt port: their first argument is the domain's name. */
const DOMAIN_METHODS = [
  'startDomain',
  'destroyDomain',
  'undefineDomain',
  'domainState',
  'domainXml',
  'setDomainAutostart',
  'agentCommand',
  'suspendDomain',
  'resumeDomain',
  'createSnapshot',
  'revertSnapshot',
  'deleteSnapshot',
  'listSnapshots',
  'setGuestTime',
  'domainInterfaces',
] as const;

/** The lab's hosts as one Host, routing per domain. */
export function routedHost(controller: Host, p: Placement): Host {
  const of = (name: string | undefined): Host => (name ? (p.hosts[name] ?? controller) : controller);
  const domainOf = (domain: string) => of(p.domainHost[domain]);
  const libvirt: Libvirt = Object.create(controller.libvirt) as Libvirt;
  for (const m of DOMAIN_METHODS) {
    (libvirt as unknown as Record<string, unknown>)[m] = (domain: string, ...rest: unknown[]) =>
      (domainOf(domain).libvirt[m] as (d: string, ...r: unknown[]) => unknown).call(domainOf(domain).libvirt, domain, ...rest);
  }
  // Every host's domains; a host that cannot be reached shows none (its own flows report it).
  libvirt.listDomains = async () =>
    (
      await Promise.all(
        [controller, ...Object.values(p.hosts)].map((h) =>
          h.libvirt.listDomains().catch((e: unknown) => {
            if (h !== controller && e instanceof HostUnreachableError) return [];
            throw e;
          }),
        ),
      )
    ).flat();
  // Each domain's guest agent is its host's.
  const agent: GuestExec = {
    exec: (domain, argv, opts) => domainOf(domain).agent.exec(domain, argv, opts),
    ping: (domain, timeoutMs) => domainOf(domain).agent.ping(domain, timeoutMs),
  };
  const viaOf = (domain: string) => of(p.sshVia[domain]);
  return {
    ...controller,
    libvirt,
    agent,
    console: {
      ...controller.console,
      attach: (domain: string, ...rest: unknown[]) => (domainOf(domain).console.attach as (d: string, ...r: unknown[]) => Promise<number>)(domain, ...rest),
    } as Host['console'],
    labExec: (keys) => {
      const exec = new LabExec(agent, keys, (): GuestExec => ({
        exec: (domain, argv, opts) => viaOf(domain).labExec(keys).exec(domain, argv, opts),
        ping: (domain, timeoutMs) => viaOf(domain).labExec(keys).ping(domain, timeoutMs),
      }));
      // `vlab ssh`: the target as the host SSH goes through sees it (its ProxyCommand, if any).
      return Object.assign(exec, { sshTarget: (domain: string) => viaOf(domain).labExec(keys).sshTarget(domain) });
    },
  };
}
