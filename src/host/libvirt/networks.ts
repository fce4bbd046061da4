/** libvirt networks, through virsh (the binding has no network calls). */
import type { LibvirtObjectFact } from '../../plan/facts.js';
import type { RunFn } from '../run.js';
import { isNotFound, parseNameList, virsh, virshWithXmlFile, type XmlVia } from '../virsh.js';
import { ownerOf } from './parse.js';
import type { Libvirt } from './types.js';

/** Where and how the libvirt port talks: the URI and the runner's run(). */
export interface LibvirtContext {
  readonly uri: string;
  readonly run: RunFn;
  /** How virsh gets XML to define (default: a local temp file; `stdin` for virsh on another host). */
  readonly xmlVia?: XmlVia;
}

type NetworkCalls = Pick<Libvirt, 'listNetworks' | 'defineNetwork' | 'startNetwork' | 'destroyNetwork' | 'undefineNetwork' | 'networkXml' | 'setNetworkAutostart'>;

/** The network half of the port. */
export class VirshNetworks implements NetworkCalls {
  constructor(private readonly ctx: LibvirtContext) {}

  private get uri(): string {
    return this.ctx.uri;
  }
  private get run(): RunFn {
    return this.ctx.run;
  }

  async listNetworks(): Promise<LibvirtObjectFact[]> {
    const [all, active] = await Promise.all([
      virsh(this.run, this.uri, ['net-list', '--all', '--name'], { readOnly: true }),
      virsh(this.run, this.uri, ['net-list', '--name'], { readOnly: true }),
    ]);
    const activeSet = new Set(parseNameList(active.stdout));
    const facts = await Promise.all(
      parseNameList(all.stdout).map(async (name): Promise<LibvirtObjectFact | undefined> => {
        const r = await virsh(this.run, this.uri, ['net-dumpxml', name], { readOnly: true, allowFailure: true });
        if (r.exitCode !== 0) {
          if (isNotFound(r.stderr)) return undefined; // undefined meanwhile
          return { name, active: activeSet.has(name) };
        }
        const owner = await ownerOf(r.stdout);
        return { name, active: activeSet.has(name), ...(owner !== undefined ? { owner } : {}) };
      }),
    );
    return facts.filter((f): f is LibvirtObjectFact => f !== undefined);
  }

  async defineNetwork(xml: string): Promise<void> {
    await virshWithXmlFile(this.run, this.uri, ['net-define', '{}'], xml, {}, this.ctx.xmlVia);
  }

  async startNetwork(name: string): Promise<void> {
    await virsh(this.run, this.uri, ['net-start', name]);
  }

  async destroyNetwork(name: string): Promise<void> {
    await virsh(this.run, this.uri, ['net-destroy', name]);
  }

  async undefineNetwork(name: string): Promise<void> {
    await virsh(this.run, this.uri, ['net-undefine', name]);
  }

  async networkXml(name: string): Promise<string> {
    return (await virsh(this.run, this.uri, ['net-dumpxml', name], { readOnly: true })).stdout;
  }

  async setNetworkAutostart(name: string, on: boolean): Promise<void> {
    await virsh(this.run, this.uri, ['net-autostart', name, ...(on ? [] : ['--disable'])]);
  }
}
