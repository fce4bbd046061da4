/**
 * `vlab console GUEST` (attach to the serial console) and `--log` (what the guest wrote to it:
 * the log libvirt keeps for every vlab guest). Prints nothing.
 */
import { labHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import { consoleLogPath } from '../plan/paths.js';
import { HostError } from '../errors.js';
import { requireState } from './state.js';
import { guestOf } from './guest-of.js';

export interface ConsoleRequest {
  lab: string;
  guest: string;
  host: Host;
  root: string;
}

/** Attaches to a running guest's console until the user leaves it; a HostError when virsh could not attach (no terminal, the guest went away). */
export async function labConsole(req: ConsoleRequest): Promise<void> {
  const { state } = requireState(req.root, req.lab);
  const host = labHosts(state.spec, req.host).routed;
  const { guest, domain } = guestOf(state, req.guest);
  const st = await host.libvirt.domainState(domain);
  if (st !== 'running')
    throw new HostError(`guest '${guest.name}' is not running (libvirt state: ${st})`, `\`vlab console ${guest.name} --log\` shows what it wrote before it stopped`);
  const code = await host.console.attach(domain);
  if (code !== 0)
    throw new HostError(
      `virsh console ${domain} exited ${code}`,
      `it needs a terminal (run vlab from one, not through a pipe); \`vlab console ${guest.name} --log\` prints what the guest wrote`,
    );
}

/** The guest's console log: its path and text. */
export function labConsoleLog(req: ConsoleRequest): { guest: string; path: string; text: string } {
  const { store, state } = requireState(req.root, req.lab);
  const { guest } = guestOf(state, req.guest);
  const file = consoleLogPath(store.paths, guest.name);
  return { guest: guest.name, path: file, text: req.host.console.readLog(file) };
}
