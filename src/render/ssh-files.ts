/**
 * The files vlab's ssh transport needs inside a guest: root's `authorized_keys` holding the
 * lab's client key, and the guest's host key (OpenSSH format, the path sshd reads by default),
 * so the host knows each guest's key before the first connection (no trust on first use).
 * The key material is generated at `up`; `plan` shows placeholders. Pure.
 */
import { guestTag, labTag } from '../plan/tags.js';
import type { GuestFile } from './files.js';

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

/** What `vlab plan` shows in place of keys that do not exist yet. */
export function placeholderMaterial(lab: string, guest: string): SshMaterial {
  return {
    authorizedKey: `ssh-ed25519 (the lab's client key, generated at up) ${labTag(lab)}`,
    hostKeyPrivate: `(the ed25519 host key of ${guest}, generated at up)\n`,
    hostKeyPublic: `ssh-ed25519 (public half of ${guest}'s host key) ${guestTag(lab, guest)}`,
  };
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
