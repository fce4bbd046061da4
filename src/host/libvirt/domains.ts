/** libvirt domains: through the @unraid/libvirt binding when it loads and connects, else through virsh. In dry-run, changes always go through virsh, whose run() skips and traces them. */
import { CommandError, HostError } from '../../errors.js';
import type { LibvirtObjectFact } from '../../plan/facts.js';
import { LibvirtBinding, DOMAIN_STATE_NAMES, isConnectionError } from '../libvirt-binding.js';
import type { RunFn } from '../run.js';
import { isNotFound, parseNameList, virsh, virshWithXmlFile } from '../virsh.js';
import type { LibvirtContext } from './networks.js';
import { isActiveState, ownerOf, parseDomState } from './parse.js';
import type { DomainState, Libvirt } from './types.js';

type DomainCalls = Pick<Libvirt, 'listDomains' | 'defineDomain' | 'startDomain' | 'destroyDomain' | 'undefineDomain' | 'domainState' | 'domainXml' | 'setDomainAutostart'>;

/** The domain half of the port. */
export class Domains implements DomainCalls {
  private bindingP: Promise<LibvirtBinding | undefined> | undefined;
  private readonly useBinding: boolean;
  private readonly verbose: (msg: string) => void;
  private readonly dryRun: boolean;

  /**
   * @param opts.binding false to use virsh only (also: env VLAB_LIBVIRT_BINDING=off)
   * @param opts.verbose receives one line when the binding is not used and why
   * @param opts.dryRun changes go through virsh, whose run() skips them and traces them
   */
  constructor(
    private readonly ctx: LibvirtContext,
    opts: { binding?: boolean; verbose?: (msg: string) => void; dryRun?: boolean } = {},
  ) {
    this.dryRun = opts.dryRun ?? false;
    this.useBinding = opts.binding ?? process.env.VLAB_LIBVIRT_BINDING !== 'off';
    this.verbose = opts.verbose ?? (() => {});
  }

  private get uri(): string {
    return this.ctx.uri;
  }
  private get run(): RunFn {
    return this.ctx.run;
  }

  /** The binding, opened once; undefined (and the reason logged once) when it cannot be used. */
  private binding(): Promise<LibvirtBinding | undefined> {
    if (!this.useBinding) return Promise.resolve(undefined);
    this.bindingP ??= LibvirtBinding.open(this.uri).then((b) => {
      if (typeof b === 'string') {
        this.verbose(`libvirt: using virsh for domains (${b})`);
        return undefined;
      }
      return b;
    });
    return this.bindingP;
  }

  /**
   * Runs `viaBinding` when the binding is usable (and, for changes, not in dry-run), else
   * `viaVirsh`. When the binding's connection breaks, it is dropped (the next call reconnects)
   * and this call is retried through virsh.
   */
  private async domainOp<T>(what: string, change: boolean, viaBinding: (b: LibvirtBinding) => Promise<T>, viaVirsh: () => Promise<T>): Promise<T> {
    const b = change && this.dryRun ? undefined : await this.binding();
    if (!b) return viaVirsh();
    try {
      return await viaBinding(b);
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (isConnectionError(msg)) {
        this.verbose(`libvirt: binding connection lost (${msg}); retrying through virsh`);
        this.bindingP = undefined;
        return viaVirsh();
      }
      // libvirt keeps the last error per thread; the binding reads it on another thread now and
      // then and gets none (seen on a loaded host while defining a domain). virsh tells the real
      // cause, or succeeds: every virsh path below is safe to run after a half-done call.
      if (/cause is unknown/i.test(msg)) {
        this.verbose(`libvirt: binding gave no cause for ${what}; retrying through virsh`);
        return viaVirsh();
      }
      throw new HostError(`libvirt: ${what} failed: ${msg}`, `see \`virsh -c ${this.uri} list --all\` and the libvirtd log`, { cause: e });
    }
  }

  async listDomains(): Promise<LibvirtObjectFact[]> {
    return this.domainOp(
      'listing domains',
      false,
      async (b) =>
        Promise.all(
          (await b.listDomains()).map(async (d) => {
            const owner = await ownerOf(d.xml);
            return { name: d.name, active: isActiveState(DOMAIN_STATE_NAMES[d.state] ?? 'no state'), ...(owner !== undefined ? { owner } : {}) };
          }),
        ),
      async () => {
        const [all, active] = await Promise.all([
          virsh(this.run, this.uri, ['list', '--all', '--name'], { readOnly: true }),
          virsh(this.run, this.uri, ['list', '--name'], { readOnly: true }),
        ]);
        const activeSet = new Set(parseNameList(active.stdout));
        const facts = await Promise.all(
          parseNameList(all.stdout).map(async (name): Promise<LibvirtObjectFact | undefined> => {
            const r = await virsh(this.run, this.uri, ['dumpxml', name], { readOnly: true, allowFailure: true });
            // Gone meanwhile: not a domain any more. Any other failure is one: an owner-less answer would read as "not vlab's".
            if (r.exitCode !== 0) {
              if (isNotFound(r.stderr)) return undefined;
              throw new CommandError(r.argv, r.exitCode, r.stderr, `listing domains: could not read ${name}'s definition`);
            }
            const owner = await ownerOf(r.stdout);
            return { name, active: activeSet.has(name), ...(owner !== undefined ? { owner } : {}) };
          }),
        );
        return facts.filter((f): f is LibvirtObjectFact => f !== undefined);
      },
    );
  }

  async defineDomain(xml: string): Promise<void> {
    const name = /<name>([^<]*)<\/name>/.exec(xml)?.[1] ?? '?';
    await this.domainOp(
      `defining domain ${name}`,
      true,
      (b) => b.define(xml),
      async () => {
        await virshWithXmlFile(this.run, this.uri, ['define', '{}'], xml, {}, this.ctx.xmlVia);
      },
    );
  }

  async startDomain(name: string): Promise<void> {
    await this.domainOp(
      `starting domain ${name}`,
      true,
      (b) => b.start(name),
      async () => {
        const r = await virsh(this.run, this.uri, ['start', name], { allowFailure: true });
        if (r.exitCode !== 0 && !/already active/i.test(r.stderr)) throw new CommandError(r.argv, r.exitCode, r.stderr);
      },
    );
  }

  async destroyDomain(name: string): Promise<void> {
    await this.domainOp(
      `destroying domain ${name}`,
      true,
      (b) => b.destroy(name),
      async () => {
        const r = await virsh(this.run, this.uri, ['destroy', name], { allowFailure: true });
        if (r.exitCode !== 0 && !/not running/i.test(r.stderr)) throw new CommandError(r.argv, r.exitCode, r.stderr);
      },
    );
  }

  async undefineDomain(name: string): Promise<void> {
    await this.domainOp(
      `undefining domain ${name}`,
      true,
      (b) => b.undefine(name),
      async () => {
        const r = await virsh(this.run, this.uri, ['undefine', name], { allowFailure: true });
        if (r.exitCode !== 0 && !isNotFound(r.stderr)) throw new CommandError(r.argv, r.exitCode, r.stderr);
      },
    );
  }

  async domainState(name: string): Promise<DomainState> {
    return this.domainOp(
      `reading the state of domain ${name}`,
      false,
      async (b) => {
        const s = await b.state(name);
        return s === undefined ? 'missing' : parseDomState(DOMAIN_STATE_NAMES[s] ?? 'no state');
      },
      async () => {
        const r = await virsh(this.run, this.uri, ['domstate', name], { readOnly: true, allowFailure: true });
        if (r.exitCode === 0) return parseDomState(r.stdout);
        if (isNotFound(r.stderr)) return 'missing';
        throw new CommandError(r.argv, r.exitCode, r.stderr, `is libvirtd running and reachable at ${this.uri}?`);
      },
    );
  }

  async domainXml(name: string): Promise<string> {
    return this.domainOp(
      `reading the XML of domain ${name}`,
      false,
      (b) => b.xml(name),
      async () => (await virsh(this.run, this.uri, ['dumpxml', name], { readOnly: true })).stdout,
    );
  }

  /** Through virsh always: the binding has no autostart call. */
  async setDomainAutostart(name: string, on: boolean): Promise<void> {
    await virsh(this.run, this.uri, ['autostart', name, ...(on ? [] : ['--disable'])]);
  }
}
