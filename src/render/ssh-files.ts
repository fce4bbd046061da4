/**
 * The files vlab's ssh transport needs inside a guest: root's `authorized_keys` holding the
 * lab's client key, and the guest's host key (OpenSSH format, the path sshd reads by default),
 * so the host knows each guest's key before the first connection (no trust on first use).
 * The key material is generated at `up` (action ssh.keys), so the plan holds slots for it
 * (src/render/slots.ts) that apply fills byte for byte. Pure.
 */
import type { GuestFile } from './files.js';
import { slot } from './slots.js';

/** Key material for one guest: the lab's public client key and the guest's own host key pair. */
export interface SshMaterial {
  /** One `ssh-ed25519 AAAA... comment` line: the lab's client key. */
  authorizedKey: string;
  /** The guest's ed25519 host key, OpenSSH private key format. */
  hostKeyPrivate: string;
  /** Its public half, `ssh-ed25519 AAAA... comment`. */
  hostKeyPublic: string;
}

export const AUTHORIZED_KEYS_PATH = '/root/.ssh/authorized_keys';
export const HOST_KEY_PATH = '/etc/ssh/ssh_host_ed25519_key';

/** What `authorized_keys` allows the lab key: commands only (no forwarding of any kind). */
export const AUTHORIZED_KEY_OPTIONS = 'no-port-forwarding,no-agent-forwarding,no-X11-forwarding';

/** The slot names of the key material of `guest` (what `sshSlotValues` fills at apply). */
export function sshSlotNames(guest: string): { clientPub: string; hostKey: string; hostPub: string } {
  return { clientPub: 'ssh.keys:client.pub', hostKey: `ssh.keys:host-key:${guest}`, hostPub: `ssh.keys:host-key.pub:${guest}` };
}

/** The material the plan renders: a slot for each key, filled at apply from what ssh.keys made. */
export function slotMaterial(guest: string): SshMaterial {
  const n = sshSlotNames(guest);
  return { authorizedKey: slot(n.clientPub), hostKeyPrivate: `${slot(n.hostKey)}\n`, hostKeyPublic: slot(n.hostPub) };
}

/**
 * The slot values for `guest` from real key material: each exactly the bytes the renderers above
 * would write for it (public keys as one trimmed line; the private key without its final newline,
 * which the rendered file adds back).
 */
export function sshSlotValues(guest: string, m: SshMaterial): Record<string, string> {
  const n = sshSlotNames(guest);
  return { [n.clientPub]: m.authorizedKey.trim(), [n.hostKey]: m.hostKeyPrivate.replace(/\n$/, ''), [n.hostPub]: m.hostKeyPublic.trim() };
}

/** The `authorized_keys` line: the lab key with forwarding turned off. */
export function authorizedKeysLine(m: SshMaterial): string {
  return `${AUTHORIZED_KEY_OPTIONS} ${m.authorizedKey.trim()}\n`;
}

/** authorized_keys (0600), the host key (0600) and its .pub (0644). */
export function renderSshFiles(m: SshMaterial): GuestFile[] {
  return [
    { path: AUTHORIZED_KEYS_PATH, content: authorizedKeysLine(m), mode: 0o600 },
    { path: HOST_KEY_PATH, content: m.hostKeyPrivate.endsWith('\n') ? m.hostKeyPrivate : m.hostKeyPrivate + '\n', mode: 0o600 },
    { path: `${HOST_KEY_PATH}.pub`, content: `${m.hostKeyPublic.trim()}\n`, mode: 0o644 },
  ];
}

/** The known_hosts line that pins a guest's host key under its alias. */
export function knownHostsLine(alias: string, hostKeyPublic: string): string {
  const [type, key] = hostKeyPublic.trim().split(/\s+/);
  return `${alias} ${type} ${key}\n`;
}
