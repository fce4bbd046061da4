/**
 * `/etc/hostname` and `/etc/hosts` for a guest: localhost lines, then a marked block naming
 * every lab guest, so guests reach each other by name without DNS. Pure.
 */
import type { Lab } from '../spec/types.js';
import type { GuestFile } from './files.js';
import { writtenByVlab, type GuestNetInput } from './netconfig/input.js';

/** Every lab guest at its first static address, in lab order; guests with only DHCP are left out. */
export function labHosts(lab: Lab): GuestNetInput['hosts'] {
  return lab.guests.flatMap((g) => {
    const address = g.interfaces.find((nic) => nic.address)?.address;
    return address ? [{ name: g.name, address }] : [];
  });
}

/** `/etc/hostname`: the guest name and a newline. */
export function renderHostname(input: GuestNetInput): string {
  return `${input.guest.name}\n`;
}

/** `/etc/hosts`: localhost (IPv4 and IPv6), `127.0.1.1 <guest>`, then the `# BEGIN vlab <lab>` block. */
export function renderHosts(input: GuestNetInput): string {
  const lab = input.lab.name;
  return [
    writtenByVlab(input),
    '127.0.0.1 localhost',
    `127.0.1.1 ${input.guest.name}`,
    '::1 localhost ip6-localhost ip6-loopback',
    'ff02::1 ip6-allnodes',
    'ff02::2 ip6-allrouters',
    '',
    `# BEGIN vlab ${lab}`,
    ...input.hosts.map((h) => `${h.address} ${h.name}`),
    `# END vlab ${lab}`,
    '',
  ].join('\n');
}

/** The hostname and hosts files (mode 0644). */
export function renderHostFiles(input: GuestNetInput): GuestFile[] {
  return [
    { path: '/etc/hostname', content: renderHostname(input), mode: 0o644 },
    { path: '/etc/hosts', content: renderHosts(input), mode: 0o644 },
  ];
}
