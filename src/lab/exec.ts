/** `exec`: run a command in a guest of an up lab over its transport (agent or SSH). Prints nothing. */
import { labHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import type { ExecResult } from '../host/guest-exec.types.js';
import { sshKeysOf } from '../host/lab-exec.js';
import { HostError } from '../errors.js';
import { guestOf } from './guest-of.js';
import { requireState } from './state.js';

export interface ExecRequest {
  lab: string;
  guest: string;
  argv: string[];
  host: Host;
  root: string;
  timeoutMs: number;
  /** Text for the command's standard input. */
  stdin?: string;
}

/** The command's exit code and output; a UsageError for an unknown guest, a HostError when it is not running. */
export async function labExec(req: ExecRequest): Promise<ExecResult> {
  const { state } = requireState(req.root, req.lab);
  const host = labHosts(state.spec, req.host).routed;
  const { domain: dom } = guestOf(state, req.guest);
  const st = await host.libvirt.domainState(dom);
  if (st !== 'running') throw new HostError(`guest '${req.guest}' is not running (libvirt state: ${st})`, 'run `vlab up` to start it');
  const exec = host.labExec(sshKeysOf(state.entries));
  return exec.exec(dom, req.argv, { timeoutMs: req.timeoutMs, ...(req.stdin !== undefined ? { stdin: req.stdin } : {}) });
}
