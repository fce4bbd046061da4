/** Parses `ip -o link; ip -o -4 addr` output from inside a guest (iproute2 or busybox). Pure. */

export interface GuestNic {
  name: string;
  mac: string;
  /** IPv4 `address/prefix` list. */
  addresses: string[];
}

export function parseGuestNics(text: string): GuestNic[] {
  const nics = new Map<string, GuestNic>();
  for (const line of text.split('\n')) {
    const link = /^\d+:\s+([^:@\s]+)[^\n]*?link\/ether\s+([0-9a-f:]{17})/i.exec(line);
    if (link) {
      nics.set(link[1]!, { name: link[1]!, mac: link[2]!.toLowerCase(), addresses: nics.get(link[1]!)?.addresses ?? [] });
      continue;
    }
    const addr = /^\d+:\s+([^:@\s]+)\s+inet\s+(\d+\.\d+\.\d+\.\d+\/\d+)/.exec(line);
    if (addr) {
      const nic = nics.get(addr[1]!) ?? { name: addr[1]!, mac: '', addresses: [] };
      nic.addresses.push(addr[2]!);
      nics.set(addr[1]!, nic);
    }
  }
  return [...nics.values()];
}

export interface ExpectedNic {
  mac: string;
  address?: string;
  prefix?: number;
  /** `address: none`: the NIC must have no IPv4 address at all. */
  unconfigured?: true;
}

/**
 * `address: none` NICs that have an IPv4 address anyway (a DHCP client or distro default got to
 * them): one message each. Such an address does not go away by waiting, so readiness fails at once.
 */
export function unwantedAddresses(actual: GuestNic[], expected: ExpectedNic[]): string[] {
  return expected.flatMap((e) => {
    const nic = e.unconfigured ? actual.find((n) => n.mac === e.mac) : undefined;
    return nic && nic.addresses.length > 0 ? [`${nic.name} (${e.mac}): expected no address (address: none), has ${nic.addresses.join(', ')}`] : [];
  });
}

/** Mismatches between what the guest has and what vlab configured; empty when all is right. */
export function compareNics(actual: GuestNic[], expected: ExpectedNic[]): string[] {
  const out: string[] = [];
  const unwanted = unwantedAddresses(actual, expected);
  for (const e of expected) {
    const nic = actual.find((n) => n.mac === e.mac);
    if (!nic) {
      out.push(`no NIC with MAC ${e.mac}`);
      continue;
    }
    if (e.unconfigured) {
      out.push(...unwanted.filter((m) => m.startsWith(`${nic.name} (${e.mac})`)));
    } else if (e.address) {
      const want = `${e.address}/${e.prefix}`;
      if (nic.addresses.length !== 1 || nic.addresses[0] !== want) {
        out.push(`${nic.name} (${e.mac}): expected ${want}, has ${nic.addresses.join(', ') || 'no IPv4 address'}`);
      }
    } else if (nic.addresses.length === 0) out.push(`${nic.name} (${e.mac}): expected a DHCP address, has none`);
  }
  return out;
}
