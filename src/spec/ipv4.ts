/** Small, exact IPv4 arithmetic on 32-bit unsigned integers. Pure. */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad IPv4; undefined when it is not one (no leading zeros, four octets). */
export function parseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface Cidr {
  network: number;
  prefix: number;
}

/** Parses `a.b.c.d/len`; returns the address as written (host bits kept) and the prefix. */
export function parseCidr(text: string): { address: number; prefix: number } | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const address = parseIp(m[1]!);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32) return undefined;
  return { address, prefix };
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : 0xffffffff - (2 ** (32 - prefix) - 1);
}

export function netmask(prefix: number): string {
  return formatIp(maskOf(prefix));
}

export function networkOf(address: number, prefix: number): number {
  return address - (address % 2 ** (32 - prefix));
}

export function broadcastOf(network: number, prefix: number): number {
  return network + 2 ** (32 - prefix) - 1;
}

export function contains(cidr: Cidr, address: number): boolean {
  return networkOf(address, cidr.prefix) === cidr.network;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return networkOf(a.network, p) === networkOf(b.network, p);
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.network)}/${c.prefix}`;
}

/** Parses a normalised network string such as `172.16.0.0/16`. */
export function toCidr(text: string): Cidr | undefined {
  const c = parseCidr(text);
  return c ? { network: networkOf(c.address, c.prefix), prefix: c.prefix } : undefined;
}
