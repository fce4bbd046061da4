/**
 * `vlab ssh GUEST [-- CMD]` and `vlab ssh-config`: SSH to the guests of an up lab with the lab's
 * own key and their pinned host keys (docs/guest-exec.md). Prints nothing: the session runs on
 * the terminal through the host's sshSession port.
 */
import type { Host } from '../host/index.js';
import { sshKeysOf } from '../host/lab-exec.js';
import { pinnedOptions, type SshTarget } from '../host/ssh-exec.js';
import { HostError } from '../errors.js';
import { requireState } from './state.js';
import { labHosts, sshVia } from './lab-hosts.js';
import { proxyThrough } from '../host/remote/remote-host.js';
import { defaultControlDir } from '../host/remote/ssh-target.js';
import { guestOf } from './guest-of.js';

export interface SshRequest {
  lab: string;
  guest: string;
  /** The command to run (empty: an interactive shell). */
  argv: string[];
  host: Host;
  root: string;
}

/** Where a guest is reached over SSH; a HostError when it is not running or the lab reaches it by the agent only. */
async function targetOf(req: Omit<SshRequest, 'argv'>): Promise<SshTarget> {
  const { state } = requireState(req.root, req.lab);
  const host = labHosts(state.spec, req.host).routed;
  const { guest, domain } = guestOf(state, req.guest);
  const st = await host.libvirt.domainState(domain);
  if (st !== 'running')
    throw new HostError(`guest '${guest.name}' is not running (libvirt state: ${st})`, `\`vlab up\` starts it; \`vlab console ${guest.name} --log\` shows why it stopped`);
  const target = host.labExec(sshKeysOf(state.entries)).sshTarget(domain);
  if (!target)
    throw new HostError(
      `guest '${guest.name}' has no SSH: the lab reaches it through the qemu guest agent only (exec: agent, or no static address on a network with cidr)`,
      `\`vlab exec ${guest.name} -- CMD\` runs commands through the agent; \`vlab console ${guest.name}\` attaches to its serial console`,
    );
  return target;
}

/** Opens the session; resolves to ssh's exit code (the command's, or 255 when ssh itself failed). */
export async function labSsh(req: SshRequest): Promise<number> {
  return req.host.sshSession.open(await targetOf(req), req.argv);
}

/** One guest's entry of `vlab ssh-config`. */
export interface SshConfigEntry {
  guest: string;
  /** The Host alias: vlab-LAB-GUEST (also the alias its host key is pinned under). */
  host: string;
  hostName: string;
  user: string;
  port: number;
  identityFile: string;
  /** The pinning options, as OpenSSH config keywords and values. */
  options: [string, string][];
}

/** The SSH entries of an up lab's guests (those it reaches over SSH), from its state alone. */
export function labSshConfig(req: { lab: string; root: string }): SshConfigEntry[] {
  const { state } = requireState(req.root, req.lab);
  const keys = sshKeysOf(state.entries);
  if (!keys) return [];
  const lab = state.spec;
  return keys.guests.map((g) => {
    const t: SshTarget = { address: g.address, clientKey: keys.clientKey, knownHosts: keys.knownHosts, alias: g.alias };
    // Multi-host labs: a guest whose SSH network has its gateway on a remote host is reached through that host.
    const via = sshVia(lab, g.guest);
    const proxy: [string, string][] = via?.ssh
      ? [['ProxyCommand', proxyThrough({ name: via.name, ...via.ssh, user: via.ssh.user ?? 'root' }, defaultControlDir())[1]!.slice('ProxyCommand='.length)]]
      : [];
    return { guest: g.guest, host: g.alias, hostName: g.address, user: 'root', port: 22, identityFile: keys.clientKey, options: [...pinnedOptions(t), ...proxy] };
  });
}
