/** A restored guest's clock: its memory came back with the time of the snapshot; set it to the host's. */
import type { Host, GuestExec } from '../host/index.js';
import { HostError } from '../errors.js';

/**
 * Sets the guest's clock to the host's: through the guest agent (guest-set-time) for agent
 * guests, over SSH (`date -u -s @EPOCH`) for SSH guests, agent first then SSH for `auto`.
 * Returns how it was set.
 */
export async function setGuestClock(host: Host, exec: GuestExec & { transport(d: string): string }, domain: string): Promise<'agent' | 'ssh'> {
  const transport = exec.transport(domain);
  if (transport !== 'ssh') {
    try {
      await host.libvirt.setGuestTime(domain);
      return 'agent';
    } catch (e) {
      if (transport === 'agent') throw e;
    }
  }
  const r = await exec.exec(domain, ['date', '-u', '-s', `@${Math.round(Date.now() / 1000)}`], { timeoutMs: 15_000 });
  if (r.exitCode !== 0) throw new HostError(`guest ${domain}: could not set its clock over SSH: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return 'ssh';
}
