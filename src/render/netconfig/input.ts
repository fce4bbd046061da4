/** What every guest network-configuration renderer gets. Pure. */
import type { Lab, LabGuest } from '../../spec/types.js';
import type { SshMaterial } from '../ssh-files.js';

/** Input of the guest file renderers. */
export interface GuestNetInput {
  lab: Lab;
  guest: LabGuest;
  /** every guest's name → addresses, for /etc/hosts */
  hosts: { name: string; address: string }[];
  /** SSH keys to install (root's authorized_keys, the host key); absent for agent-only guests. */
  ssh?: SshMaterial;
}

/** The first line of every file vlab writes into a guest, as a `#` comment. */
export function writtenByVlab(input: GuestNetInput): string {
  return `# Written by vlab for lab ${input.lab.name}, guest ${input.guest.name}. Changes are lost at the next \`vlab up\`.`;
}
