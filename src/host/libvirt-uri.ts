/**
 * libvirt connection URIs: which ones vlab can use. vlab makes bridges, addresses, iptables rules,
 * overlays and guest disks on THIS machine, so a URI naming another host (`qemu+ssh://user@host/system`,
 * `qemu+tcp://host/system`) would put the domains there and everything else here: a broken lab.
 * So a URI naming another host is refused, except qemu+ssh://, through which vlab reaches the whole
 * host (every change over SSH: src/host/remote/, docs/multi-host.md).
 */
import { UsageError } from '../errors.js';

/** The host a libvirt URI names, or undefined for a local one (`qemu:///system`, `qemu+unix:///system`). */
export function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?]*)/i.exec(uri);
  const authority = m?.[1] ?? '';
  const host = authority.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  return host && host !== 'localhost' ? host : undefined;
}

/** Throws a UsageError for a URI that names another host. */
export function requireLocalUri(uri: string): void {
  const host = uriHost(uri);
  if (host)
    throw new UsageError(
      `libvirt URI ${uri} names another host (${host}); vlab makes the lab's bridges, rules and disks on this machine, so its domains must be here too`,
      'use qemu+ssh://USER@HOST/system (vlab then makes every change on that host over SSH), or a local URI such as qemu:///system',
    );
}
