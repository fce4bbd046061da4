/**
 * The GuestExec of one lab: per guest, the qemu guest agent, SSH, or `auto` (the agent when it
 * answers, else SSH). Built from the `ssh.keys` journal entry, which lists the guests reached
 * over SSH and where; every other guest uses the agent.
 */
import type { ActionDetails, SshGuest } from '../plan/types.js';
import { HostError } from '../errors.js';
import type { ExecResult, GuestExec } from './guest-exec.types.js';
import type { SshTarget } from './ssh-exec.js';

/** What the lab's `ssh.keys` action recorded (the part the transports need). */
export type LabSshKeys = Pick<Extract<ActionDetails, { kind: 'ssh.keys' }>, 'clientKey' | 'knownHosts' | 'guests'>;

/** How long `auto` waits for the agent before it tries SSH. */
const AGENT_FIRST_MS = 3000;

export class LabExec implements GuestExec {
  private readonly ssh: GuestExec;
  private readonly byDomain: Map<string, SshGuest>;
  /** Where a domain is reached over SSH (undefined: the lab set up no SSH for it, `exec: agent`). */
  readonly sshTarget: (domain: string) => SshTarget | undefined;

  /**
   * @param agent the agent transport (host.agent)
   * @param keys the lab's `ssh.keys` record (undefined: every guest by agent)
   * @param ssh the SSH transport, or a factory that makes it for the lab's targets (host.labExec passes one over its runner)
   * @param via ssh options every target gets to reach its guest through another host (guests on a remote hypervisor)
   */
  constructor(
    private readonly agent: GuestExec,
    keys: LabSshKeys | undefined,
    ssh: GuestExec | ((targets: (domain: string) => SshTarget | undefined) => GuestExec),
    via?: string[],
  ) {
    this.byDomain = new Map((keys?.guests ?? []).map((g) => [g.domain, g]));
    const targets = (domain: string): SshTarget | undefined => {
      const g = this.byDomain.get(domain);
      return g && keys ? { address: g.address, clientKey: keys.clientKey, knownHosts: keys.knownHosts, alias: g.alias, ...(via ? { via } : {}) } : undefined;
    };
    this.sshTarget = targets;
    this.ssh = typeof ssh === 'function' ? ssh(targets) : ssh;
  }

  /** agent, ssh or auto, for a domain (agent when the lab set up no SSH for it). */
  mode(domain: string): 'agent' | 'ssh' | 'auto' {
    return this.byDomain.get(domain)?.mode ?? 'agent';
  }

  /** The transport that answers right now: for auto, the agent if it answers, else SSH. */
  private async pick(domain: string): Promise<GuestExec> {
    const mode = this.mode(domain);
    if (mode === 'agent') return this.agent;
    if (mode === 'ssh') return this.ssh;
    return (await this.agent.ping(domain, AGENT_FIRST_MS).catch(() => false)) ? this.agent : this.ssh;
  }

  async exec(domain: string, argv: string[], opts?: { timeoutMs?: number; stdin?: string }): Promise<ExecResult> {
    const via = await this.pick(domain);
    if (this.mode(domain) !== 'auto' || via === this.agent) return via.exec(domain, argv, opts);
    try {
      return await via.exec(domain, argv, opts);
    } catch (e) {
      if (!(e instanceof HostError)) throw e;
      throw new HostError(
        `guest ${domain}: the guest agent does not answer, and ${e.message.replace(/^guest \S+: /, '')}`,
        'check the guest has booted and runs qemu-guest-agent or an SSH server (`vlab status`, its console log)',
      );
    }
  }

  async ping(domain: string, timeoutMs = 5000): Promise<boolean> {
    const mode = this.mode(domain);
    if (mode === 'agent') return this.agent.ping(domain, timeoutMs);
    if (mode === 'ssh') return this.ssh.ping(domain, timeoutMs);
    if (await this.agent.ping(domain, Math.min(timeoutMs, AGENT_FIRST_MS)).catch(() => false)) return true;
    return this.ssh.ping(domain, timeoutMs);
  }

  transport(domain: string): string {
    const mode = this.mode(domain);
    return mode === 'auto' ? 'agent or ssh' : mode;
  }
}

/** The ssh.keys details of a journal or plan, if the lab has any. */
export function sshKeysOf(entries: readonly { details: ActionDetails }[]): LabSshKeys | undefined {
  for (const e of entries) if (e.details.kind === 'ssh.keys') return e.details;
  return undefined;
}
