/** The libvirt port: networks, domains and the qemu guest agent inside domains. */
import type { LibvirtObjectFact } from '../../plan/facts.js';

/** A domain's state as `virsh domstate` words it, or `missing` when no such domain exists. */
export type DomainState = 'running' | 'idle' | 'paused' | 'in shutdown' | 'shut off' | 'crashed' | 'pmsuspended' | 'no state' | 'missing';

/** libvirt objects vlab manages: networks, domains, and the qemu guest agent inside domains. */
export interface Libvirt {
  /** The connection URI, e.g. qemu:///system. */
  readonly uri: string;
  /** Every libvirt network, active or not, with the lab that owns it (from vlab's metadata tag). */
  listNetworks(): Promise<LibvirtObjectFact[]>;
  /** Defines a persistent network from XML. */
  defineNetwork(xml: string): Promise<void>;
  /** Starts a defined network. */
  startNetwork(name: string): Promise<void>;
  /** Stops an active network (its definition stays). */
  destroyNetwork(name: string): Promise<void>;
  /** Removes a network's definition. */
  undefineNetwork(name: string): Promise<void>;
  /** A network's XML. */
  networkXml(name: string): Promise<string>;
  /**
   * Marks a defined network to be started by libvirtd when it starts (`virsh net-autostart NAME`),
   * or clears the mark (`--disable`). Used by `vlab persist`, undone by `vlab unpersist`/`down`.
   */
  setNetworkAutostart(name: string, on: boolean): Promise<void>;
  /** Every domain, running or not, with the lab that owns it (from vlab's metadata tag). */
  listDomains(): Promise<LibvirtObjectFact[]>;
  /** Defines (or redefines) a persistent domain from XML. */
  defineDomain(xml: string): Promise<void>;
  /** Starts a defined domain. */
  startDomain(name: string): Promise<void>;
  /** Powers a running domain off at once (no guest shutdown). */
  destroyDomain(name: string): Promise<void>;
  /** Removes an inactive domain's definition. */
  undefineDomain(name: string): Promise<void>;
  /** The domain's state, `missing` when it does not exist. */
  domainState(name: string): Promise<DomainState>;
  /** The domain's XML (live when running). */
  domainXml(name: string): Promise<string>;
  /**
   * Marks a defined domain to be started by libvirtd when it starts (`virsh autostart NAME`), or
   * clears the mark (`--disable`). Used by `vlab persist`, undone by `vlab unpersist`/`down`.
   */
  setDomainAutostart(name: string, on: boolean): Promise<void>;
  /**
   * Sends one QMP-style command to the qemu guest agent of `domain` and returns its parsed
   * `return` value. Throws HostError when the domain is not running or the agent does not answer.
   * Agent commands do not change the host, so they also run in dry-run.
   */
  agentCommand(domain: string, command: object, timeoutSec: number): Promise<unknown>;
  /** Pauses a running domain (its vCPUs stop; memory stays). */
  suspendDomain(name: string): Promise<void>;
  /** Resumes a paused domain. */
  resumeDomain(name: string): Promise<void>;
  /** Takes an internal snapshot `name` of the domain: its RAM (when running or paused) and disks, inside the qcow2 overlay. */
  createSnapshot(domain: string, name: string, description: string): Promise<void>;
  /** Reverts the domain to snapshot `name` and leaves it running (no reboot: memory comes back). */
  revertSnapshot(domain: string, name: string): Promise<void>;
  /** Deletes snapshot `name` (its metadata and its data inside the overlay). */
  deleteSnapshot(domain: string, name: string): Promise<void>;
  /** The names of the domain's snapshots. */
  listSnapshots(domain: string): Promise<string[]>;
  /** Sets the guest's clock to the host's, through the guest agent. */
  setGuestTime(domain: string): Promise<void>;
  /** The domain's NICs: tap device (when running), type, source network or bridge, MAC. */
  domainInterfaces(domain: string): Promise<DomainInterface[]>;
}

/** One NIC of a domain, as `virsh domiflist` shows it. */
export interface DomainInterface {
  /** The host-side tap (e.g. vnet3), absent when the domain is not running. */
  tap?: string;
  type: string;
  /** The libvirt network or bridge the NIC is on. */
  source: string;
  mac: string;
}
