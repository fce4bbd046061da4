/**
 * libvirt networks, domains and the guest agent. Networks and the agent go through `virsh`
 * (the binding has neither); domains go through the @unraid/libvirt binding when it loads and
 * connects, else through virsh. In dry-run, changes always go through virsh, whose run() skips
 * them and shows them in the --verbose trace; reads still run.
 */
import { CommandError, HostError } from '../errors.js';
import type { LibvirtObjectFact } from '../plan/facts.js';
import { ownerFromXml } from '../render/metadata.js';
import { LibvirtBinding, DOMAIN_STATE_NAMES, isConnectionError } from './libvirt-binding.js';
import type { RunFn } from './run.js';
import { defaultUri, isNotFound, parseNameList, virsh, virshWithXmlFile } from './virsh.js';

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
}

/** The lab in vlab's owner tag of an object's XML; undefined for objects that are not vlab's or unreadable XML. */
export async function ownerOf(xml: string): Promise<string | undefined> {
  try {
    return await ownerFromXml(xml);
  } catch {
    return undefined;
  }
}

/** Maps virsh's words for a state to DomainState (unknown words are passed through as `no state`). */
export function parseDomState(out: string): DomainState {
  const s = out.trim();
  const known: DomainState[] = ['running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended', 'no state'];
  return (known as string[]).includes(s) ? (s as DomainState) : 'no state';
}

/**
 * Parses `virsh qemu-agent-command` output: `{"return": ...}` → the return value. An agent-side
 * `{"error": {...}}` becomes a HostError naming the domain.
 */
export function parseAgentReply(domain: string, out: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch {
    throw new HostError(`guest ${domain}: the guest agent's answer is not JSON: ${out.trim().slice(0, 200)}`);
  }
  if (parsed && typeof parsed === 'object') {
    const o = parsed as { return?: unknown; error?: { class?: string; desc?: string } };
    if (o.error) throw new HostError(`guest ${domain}: guest agent error ${o.error.class ?? ''}: ${o.error.desc ?? JSON.stringify(o.error)}`.replace(/ +:/, ':'));
    if ('return' in o) return o.return;
  }
  throw new HostError(`guest ${domain}: unexpected guest agent answer: ${out.trim().slice(0, 200)}`);
}

/** The HostError for a failed agent command, from virsh's message. */
export function agentError(domain: string, message: string): HostError {
  if (/domain is not running/i.test(message)) return new HostError(`guest ${domain}: the domain is not running`, `start it (\`vlab up\`) and check \`virsh domstate ${domain}\``);
  if (isNotFound(message)) return new HostError(`guest ${domain}: no such libvirt domain`, 'is the lab up? (`vlab status`)');
  if (/agent is not (responding|connected)|not connected|agent not available|timed out|timeout/i.test(message)) {
    return new HostError(`guest ${domain}: qemu guest agent not answering; is qemu-guest-agent installed and running in the guest?`, `it may still be booting; see its console log, or \`virsh console ${domain}\``);
  }
  return new HostError(`guest ${domain}: guest agent command failed: ${message.trim().split('\n').slice(-2).join(' ')}`);
}

/** Libvirt through virsh and (for domains) the @unraid/libvirt binding. */
export class LibvirtClient implements Libvirt {
  readonly uri: string;
  private bindingP: Promise<LibvirtBinding | undefined> | undefined;
  private readonly useBinding: boolean;
  private readonly verbose: (msg: string) => void;
  private readonly dryRun: boolean;

  /**
   * @param run the runner's run() (virsh goes through it)
   * @param uri connection URI (default: LIBVIRT_DEFAULT_URI, else qemu:///system)
   * @param opts.binding false to use virsh only (also: env VLAB_LIBVIRT_BINDING=off)
   * @param opts.verbose receives one line when the binding is not used and why
   * @param opts.dryRun changes go through virsh, whose run() skips them and traces them
   */
  constructor(
    private readonly run: RunFn,
    uri?: string,
    opts: { binding?: boolean; verbose?: (msg: string) => void; dryRun?: boolean } = {},
  ) {
    this.dryRun = opts.dryRun ?? false;
    this.uri = uri || defaultUri();
    this.useBinding = opts.binding ?? process.env.VLAB_LIBVIRT_BINDING !== 'off';
    this.verbose = opts.verbose ?? (() => {});
  }

  // ---- networks (virsh) ----

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
    await virshWithXmlFile(this.run, this.uri, ['net-define', '{}'], xml);
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

  // ---- domains (binding, else virsh) ----

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
            if (r.exitCode !== 0) return isNotFound(r.stderr) ? undefined : { name, active: activeSet.has(name) };
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
        await virshWithXmlFile(this.run, this.uri, ['define', '{}'], xml);
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

  // ---- guest agent (virsh) ----

  async agentCommand(domain: string, command: object, timeoutSec: number): Promise<unknown> {
    const secs = Math.max(1, Math.ceil(timeoutSec));
    const r = await virsh(this.run, this.uri, ['qemu-agent-command', domain, JSON.stringify(command), '--timeout', String(secs)], {
      readOnly: true,
      allowFailure: true,
      timeoutMs: (secs + 10) * 1000,
    });
    if (r.exitCode !== 0) throw agentError(domain, r.stderr);
    return parseAgentReply(domain, r.stdout);
  }
}

/** Whether a domain in this state counts as active (holds resources, has a qemu process). */
function isActiveState(state: string): boolean {
  return state !== 'shut off' && state !== 'no state' && state !== 'crashed';
}
