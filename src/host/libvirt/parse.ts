/** Pure readings of libvirt's and virsh's answers: owner tags, domain states, agent replies and errors. */
import { HostError } from '../../errors.js';
import { ownerFromXml } from '../../render/metadata.js';
import type { DomainState } from './types.js';
import { isNotFound } from '../virsh.js';

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
    return new HostError(
      `guest ${domain}: qemu guest agent not answering; is qemu-guest-agent installed and running in the guest?`,
      `it may still be booting; see its console log, or \`virsh console ${domain}\``,
    );
  }
  return new HostError(`guest ${domain}: guest agent command failed: ${message.trim().split('\n').slice(-2).join(' ')}`);
}

/** Whether a domain in this state counts as active (holds resources, has a qemu process). */
export function isActiveState(state: string): boolean {
  return state !== 'shut off' && state !== 'no state' && state !== 'crashed';
}
