/**
 * DHCP client daemons bound to a NIC by name (dhclient, udhcpc, dhcpcd), found by their command
 * line. A bridged uplink moves them to the bridge and back, so leases keep being renewed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';

export interface DhcpClientFact {
  pid: number;
  argv: string[];
  /** Its environment, so that it restarts as it was started. */
  env: Record<string, string>;
  /** The NIC it serves (an argv word equal to a link name). */
  ifname: string;
}

const CLIENTS = /(^|\/)(dhclient|udhcpc|dhcpcd)$/;

/** Pure: is this argv a DHCP client for `ifname`? (busybox applets: argv[0] `udhcpc` or `busybox udhcpc`). */
export function dhcpClientFor(argv: string[], ifname: string): boolean {
  const prog = argv[0] ?? '';
  const isClient = CLIENTS.test(prog) || (/(^|\/)busybox$/.test(prog) && argv[1] === 'udhcpc');
  return isClient && argv.some((a, i) => i > 0 && (a === ifname || a === `-i${ifname}` || a === `--interface=${ifname}`));
}

/** Pure: the same command line with the NIC replaced by `to`. */
export function retarget(argv: string[], from: string, to: string): string[] {
  return argv.map((a) => (a === from ? to : a === `-i${from}` ? `-i${to}` : a === `--interface=${from}` ? `--interface=${to}` : a));
}

/** Running DHCP clients for `ifname` (reads /proc). */
export function findDhcpClients(ifname: string): DhcpClientFact[] {
  const out: DhcpClientFact[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs
        .readFileSync(`/proc/${entry}/cmdline`, 'utf8')
        .split('\0')
        .filter((a, i, all) => a !== '' || i < all.length - 1);
    } catch {
      continue;
    }
    if (!dhcpClientFor(argv, ifname)) continue;
    const env: Record<string, string> = {};
    try {
      for (const kv of fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0')) {
        const i = kv.indexOf('=');
        if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
      }
    } catch {
      /* gone meanwhile */
    }
    out.push({ pid: Number(entry), argv, env, ifname });
  }
  return out;
}

/** Stops a client (SIGTERM: it keeps its lease; the address stays where it is) and waits up to 3 s for it to exit. */
export async function stopClient(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 30 && fs.existsSync(`/proc/${pid}`); i++) await sleep(100);
}
