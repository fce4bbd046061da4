/** The libvirt port, assembled: networks and the agent through virsh, domains through the binding or virsh. */
import type { RunFn } from '../run.js';
import { defaultUri, type XmlVia } from '../virsh.js';
import { VirshAgent } from './agent.js';
import { Domains } from './domains.js';
import { VirshNetworks } from './networks.js';
import { VirshSnapshots } from './snapshots.js';
import type { Libvirt } from './types.js';

export type { DomainInterface, DomainState, Libvirt } from './types.js';
export { agentError, ownerOf, parseAgentReply, parseDomState } from './parse.js';

/** Libvirt through virsh and (for domains) the @unraid/libvirt binding. */
export class LibvirtClient implements Libvirt {
  readonly uri: string;
  private readonly networks: VirshNetworks;
  private readonly domains: Domains;
  private readonly agent: VirshAgent;
  private readonly snapshots: VirshSnapshots;

  /**
   * @param run the runner's run() (virsh goes through it)
   * @param uri connection URI (default: LIBVIRT_DEFAULT_URI, else qemu:///system)
   * @param opts as for Domains: binding, verbose, dryRun; xmlVia: how virsh gets XML to define ('stdin' when `run` runs on another host)
   */
  constructor(run: RunFn, uri?: string, opts: { binding?: boolean; verbose?: (msg: string) => void; dryRun?: boolean; xmlVia?: XmlVia } = {}) {
    this.uri = uri || defaultUri();
    const ctx = { uri: this.uri, run, ...(opts.xmlVia ? { xmlVia: opts.xmlVia } : {}) };
    this.networks = new VirshNetworks(ctx);
    this.domains = new Domains(ctx, opts);
    this.agent = new VirshAgent(ctx);
    this.snapshots = new VirshSnapshots(ctx);
  }

  listNetworks: Libvirt['listNetworks'] = () => this.networks.listNetworks();
  defineNetwork: Libvirt['defineNetwork'] = (xml) => this.networks.defineNetwork(xml);
  startNetwork: Libvirt['startNetwork'] = (name) => this.networks.startNetwork(name);
  destroyNetwork: Libvirt['destroyNetwork'] = (name) => this.networks.destroyNetwork(name);
  undefineNetwork: Libvirt['undefineNetwork'] = (name) => this.networks.undefineNetwork(name);
  networkXml: Libvirt['networkXml'] = (name) => this.networks.networkXml(name);
  setNetworkAutostart: Libvirt['setNetworkAutostart'] = (name, on) => this.networks.setNetworkAutostart(name, on);
  listDomains: Libvirt['listDomains'] = () => this.domains.listDomains();
  defineDomain: Libvirt['defineDomain'] = (xml) => this.domains.defineDomain(xml);
  startDomain: Libvirt['startDomain'] = (name) => this.domains.startDomain(name);
  destroyDomain: Libvirt['destroyDomain'] = (name) => this.domains.destroyDomain(name);
  undefineDomain: Libvirt['undefineDomain'] = (name) => this.domains.undefineDomain(name);
  domainState: Libvirt['domainState'] = (name) => this.domains.domainState(name);
  domainXml: Libvirt['domainXml'] = (name) => this.domains.domainXml(name);
  setDomainAutostart: Libvirt['setDomainAutostart'] = (name, on) => this.domains.setDomainAutostart(name, on);
  agentCommand: Libvirt['agentCommand'] = (domain, command, timeoutSec) => this.agent.agentCommand(domain, command, timeoutSec);
  suspendDomain: Libvirt['suspendDomain'] = (name) => this.snapshots.suspendDomain(name);
  resumeDomain: Libvirt['resumeDomain'] = (name) => this.snapshots.resumeDomain(name);
  createSnapshot: Libvirt['createSnapshot'] = (domain, name, description) => this.snapshots.createSnapshot(domain, name, description);
  revertSnapshot: Libvirt['revertSnapshot'] = (domain, name) => this.snapshots.revertSnapshot(domain, name);
  deleteSnapshot: Libvirt['deleteSnapshot'] = (domain, name) => this.snapshots.deleteSnapshot(domain, name);
  listSnapshots: Libvirt['listSnapshots'] = (domain) => this.snapshots.listSnapshots(domain);
  setGuestTime: Libvirt['setGuestTime'] = (domain) => this.snapshots.setGuestTime(domain);
  domainInterfaces: Libvirt['domainInterfaces'] = (domain) => this.snapshots.domainInterfaces(domain);
}
