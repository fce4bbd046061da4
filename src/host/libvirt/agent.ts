/** The qemu guest agent inside domains, through `virsh qemu-agent-command`. Agent commands do not change the host: they run in dry-run too. */
import { virsh } from '../virsh.js';
import type { LibvirtContext } from './networks.js';
import { agentError, parseAgentReply } from './parse.js';
import type { Libvirt } from './types.js';

/** The agent part of the port. */
export class VirshAgent implements Pick<Libvirt, 'agentCommand'> {
  constructor(private readonly ctx: LibvirtContext) {}

  async agentCommand(domain: string, command: object, timeoutSec: number): Promise<unknown> {
    const secs = Math.max(1, Math.ceil(timeoutSec));
    const r = await virsh(this.ctx.run, this.ctx.uri, ['qemu-agent-command', domain, JSON.stringify(command), '--timeout', String(secs)], {
      readOnly: true,
      allowFailure: true,
      timeoutMs: (secs + 10) * 1000,
    });
    if (r.exitCode !== 0) throw agentError(domain, r.stderr);
    return parseAgentReply(domain, r.stdout);
  }
}
