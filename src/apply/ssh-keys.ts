/**
 * The `ssh.keys` action: the lab's client key, a host key per guest, and a known_hosts that
 * pins each guest's host key under its alias. All in the lab's state dir (mode 0700), removed
 * at `down`. Idempotent: existing keys are kept, known_hosts is rewritten.
 */
import { guestTag, labTag } from '../plan/tags.js';
import type { Host } from '../host/index.js';
import type { ActionDetails } from '../plan/types.js';
import type { LabSshKeys } from '../host/lab-exec.js';
import { knownHostsLine, sshSlotValues } from '../render/ssh-files.js';

type SshKeysDetails = Extract<ActionDetails, { kind: 'ssh.keys' }>;

export async function makeSshKeys(host: Host, d: SshKeysDetails, lab: string): Promise<void> {
  if (host.dryRun) return;
  host.files.mkdirp(d.dir, 0o700);
  await host.sshKeygen.ensureKey(d.clientKey, labTag(lab));
  await Promise.all(d.guests.map((g) => host.sshKeygen.ensureKey(g.hostKey, guestTag(lab, g.guest))));
  const lines = d.guests.map((g) => knownHostsLine(g.alias, host.sshKeygen.publicKey(g.hostKey))).join('');
  host.files.writeAtomic(d.knownHosts, lines, 0o600);
}

/** The values of a guest's key slots (src/render/slots.ts), read from what makeSshKeys made. */
export function sshSlotValuesFor(host: Host, d: LabSshKeys | undefined, guest: string): Record<string, string> {
  const g = d?.guests.find((x) => x.guest === guest);
  if (!d || !g) throw new Error(`ssh keys: no key record for guest '${guest}'`);
  return sshSlotValues(guest, {
    authorizedKey: host.sshKeygen.publicKey(d.clientKey),
    hostKeyPrivate: host.files.read(g.hostKey),
    hostKeyPublic: host.sshKeygen.publicKey(g.hostKey),
  });
}
