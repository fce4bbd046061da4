/**
 * The benchmark's baseline (inside scripts/sandbox.sh): a lab built the manual way of the seed
 * write-up, with plain commands one after the other — a bridge with the host's address,
 * ip_forward, a MASQUERADE rule, qcow2 overlays, each guest's network file written with ONE
 * guestfish launch for all disks, virsh define, virsh start, then waiting until every guest's
 * agent answers and its address shows. Everything after the image is staged is timed.
 */
import { execa } from 'execa';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { makeTestDir, ensureTinyImage, stageTinyImage, makeOverlay, injectFiles, defineTinyDomain, type TinyImage } from '../test/integration/helpers/tiny.js';
import { virsh, removeDomain } from '../test/integration/helpers/libvirt.js';
import { startAndWait } from './bench-guest.js';
import { SEED_LAB } from './bench-labs.js';

/** One guest of the baseline lab. */
export interface PlainGuest {
  name: string;
  mac: string;
  address: string;
  memoryMiB: number;
  /** Guest path -> content, written into its overlay before the first boot. */
  files: Record<string, string>;
}

/** The baseline lab: one bridge with the host's address, NAT out of its subnet, guests on it. */
export interface PlainLab {
  bridge: string;
  /** The host's address on the bridge, with prefix (172.16.0.1/16). */
  hostAddress: string;
  /** The subnet MASQUERADEd when leaving it (172.16.0.0/16). */
  subnet: string;
  image: TinyImage;
  guests: PlainGuest[];
}

/** Seconds of each step of the baseline and of the whole. */
export interface PlainTimes {
  network: number;
  overlays: number;
  guestfish: number;
  define: number;
  /** From the first `virsh start` until every guest is ready: the guests' own boot-to-ready. */
  boot: number;
  total: number;
}

const ip = (args: string[]) => execa('ip', args);

/** Builds the lab the manual way, times it, and removes it again (untimed). */
export async function plainLab(lab: PlainLab): Promise<PlainTimes> {
  const dir = await makeTestDir('bench-plain-');
  const staged = await stageTinyImage(lab.image, dir);
  const forwardWas = (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim();
  const rule = (op: '-A' | '-D') => ['-t', 'nat', op, 'POSTROUTING', '-s', lab.subnet, '!', '-d', lab.subnet, '-j', 'MASQUERADE'];
  const domains = lab.guests.map((g) => `bench-plain-${g.name}`);
  const lap = (() => {
    let last = performance.now();
    return () => {
      const now = performance.now();
      const s = (now - last) / 1000;
      last = now;
      return s;
    };
  })();
  try {
    const t0 = performance.now();
    lap();
    await ip(['link', 'add', lab.bridge, 'type', 'bridge']);
    await ip(['addr', 'add', lab.hostAddress, 'dev', lab.bridge]);
    await ip(['link', 'set', lab.bridge, 'up']);
    await execa('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    await execa('iptables', rule('-A'));
    const network = lap();
    const disks = [];
    for (const g of lab.guests) disks.push({ disk: await makeOverlay(staged.disk, path.join(dir, `${g.name}.qcow2`)), files: g.files });
    const overlays = lap();
    await injectFiles(disks, dir);
    const guestfish = lap();
    for (const [i, g] of lab.guests.entries()) {
      await defineTinyDomain(
        { name: domains[i]!, image: staged, disk: disks[i]!.disk, memoryMiB: g.memoryMiB, nics: [{ mac: g.mac, bridge: lab.bridge }], consoleLog: path.join(dir, `${g.name}.log`) },
        virsh,
      );
    }
    const define = lap();
    const boot = await startAndWait(lab.guests.map((g, i) => ({ domain: domains[i]!, addresses: [g.address] })));
    const total = (performance.now() - t0) / 1000;
    return { network, overlays, guestfish, define, boot, total };
  } finally {
    for (const d of domains) await removeDomain(d);
    await execa('iptables', rule('-D'), { reject: false });
    await execa('sysctl', ['-qw', `net.ipv4.ip_forward=${forwardWas}`], { reject: false });
    await ip(['link', 'del', lab.bridge]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The seed write-up's `/etc/network/interfaces` for one static address (ifupdown). */
export function ifupdownFile(address: string, netmask: string, gateway: string): string {
  return `auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet static\n    address ${address}\n    netmask ${netmask}\n    gateway ${gateway}\n`;
}

/** A systemd-networkd file giving the NIC with `mac` a static address (for a networkd image). */
export function networkdFile(mac: string, addressWithPrefix: string, gateway: string): string {
  return `[Match]\nMACAddress=${mac}\n\n[Network]\nAddress=${addressWithPrefix}\nGateway=${gateway}\n`;
}

/** The seed lab's baseline: its network, guests, MACs and addresses, built with plain commands. */
export async function seedBaseline(): Promise<PlainTimes> {
  const lab = parseYaml(await readFile(SEED_LAB, 'utf8')) as {
    networks: Record<string, { bridge: string; cidr: string; gateway: string }>;
    guests: Record<string, { memory: number; interfaces: { address: string; mac?: string }[] }>;
  };
  const net = Object.values(lab.networks)[0]!;
  const prefix = Number(net.cidr.split('/')[1]);
  const mask = [0, 8, 16, 24].map((b) => (prefix >= b + 8 ? 255 : prefix > b ? (0xff << (8 - (prefix - b))) & 0xff : 0)).join('.');
  const img = await ensureTinyImage();
  return plainLab({
    bridge: net.bridge,
    hostAddress: `${net.gateway}/${prefix}`,
    subnet: net.cidr,
    image: img,
    guests: Object.entries(lab.guests).map(([name, g], i) => {
      const address = g.interfaces[0]!.address;
      return {
        name,
        mac: g.interfaces[0]!.mac ?? `52:54:00:be:00:${String(10 + i)}`,
        address,
        memoryMiB: g.memory,
        files: { '/etc/network/interfaces': ifupdownFile(address, mask, net.gateway) },
      };
    }),
  });
}
