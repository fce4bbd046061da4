/**
 * Bridged uplink, safely: the NIC's addresses and routes move onto the bridge in one `ip -batch`,
 * then vlab proves the host still has its network (the check address answers) within a timeout,
 * or moves everything back. A detached watchdog does the same rollback if vlab dies in the window
 * (like `netplan try`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Host } from '../host/index.js';
import type { ActionDetails } from '../plan/types.js';
import { HostError } from '../errors.js';
import { retarget } from '../host/dhcp-clients.js';

type UplinkDetails = Extract<ActionDetails, { kind: 'uplink.attach' }>;

const VLAB_BIN = fileURLToPath(new URL('../../bin/vlab.js', import.meta.url));

/** What the watchdog needs: the way back, when to use it, and the marker that says it is not needed. */
export interface WatchdogFile {
  detach: string[];
  deadline: number;
  done: string;
  uplink: string;
  bridge: string;
}

export function watchdogPath(stateDir: string, bridge: string): string {
  return path.join(stateDir, `uplink-${bridge}.watchdog.json`);
}

/** Moves the DHCP client daemons bound to `from` over to `to` (same command line and environment). */
async function moveDhcpClients(host: Host, from: string, to: string): Promise<string[]> {
  const moved: string[] = [];
  for (const c of host.processes.dhcpClients(from)) {
    await host.processes.stopDhcpClient(c.pid);
    const argv = retarget(c.argv, from, to);
    host.processes.spawnDetached(argv, c.env);
    moved.push(argv.join(' '));
  }
  return moved;
}

export async function attachUplink(host: Host, d: UplinkDetails, opts: { stateDir: string; timeoutSec: number; say: (t: string) => void }): Promise<void> {
  if (d.mac) await host.ip.setMac(d.bridge, d.mac);
  const file = watchdogPath(opts.stateDir, d.bridge);
  const w: WatchdogFile = { detach: d.detach, deadline: Date.now() + opts.timeoutSec * 1000, done: `${file}.done`, uplink: d.uplink, bridge: d.bridge };
  host.files.mkdirp(opts.stateDir, 0o711);
  host.files.remove(w.done);
  host.files.writeAtomic(file, JSON.stringify(w, null, 2));
  const pid = host.processes.spawnDetached([process.execPath, VLAB_BIN, '__uplink-watchdog', file]);
  const finish = () => {
    host.files.writeAtomic(w.done, new Date().toISOString() + '\n');
    if (pid) host.processes.signal(pid, 'SIGTERM');
  };
  const back = async () => {
    await host.ip.batch(d.detach);
    await moveDhcpClients(host, d.bridge, d.uplink);
  };
  try {
    await host.ip.batch(d.attach);
    const moved = await moveDhcpClients(host, d.uplink, d.bridge);
    if (moved.length) opts.say(`DHCP client moved to ${d.bridge}: ${moved.join('; ')}`);
  } catch (e) {
    await back().catch(() => undefined);
    finish();
    throw e;
  }
  if (!d.check) {
    finish();
    return;
  }
  opts.say(`checking that ${d.check} still answers through ${d.bridge} (rollback in ${opts.timeoutSec}s)`);
  while (Date.now() < w.deadline - 1500) {
    if (await host.ping.answers(d.check, d.bridge)) {
      finish();
      return;
    }
    await sleep(500);
  }
  await back();
  finish();
  throw new HostError(
    `after moving ${d.uplink} into ${d.bridge}, ${d.check} did not answer within ${opts.timeoutSec}s: rolled back, ${d.uplink} has its addresses and routes again`,
    `check that ${d.check} answers pings from this host; set networks.<name>.uplink_check to an address that does, or raise --uplink-timeout; then \`vlab down\` removes the rest`,
  );
}

/**
 * The watchdog's body (`vlab __uplink-watchdog FILE`): waits for the deadline, then rolls back
 * unless vlab marked the move done. Returns what it did.
 */
export async function watchdog(host: Host, file: string): Promise<string> {
  const w = JSON.parse(host.files.read(file)) as WatchdogFile;
  while (Date.now() < w.deadline) {
    if (host.files.exists(w.done)) return 'confirmed';
    await sleep(250);
  }
  if (host.files.exists(w.done)) return 'confirmed';
  await host.ip.batch(w.detach).catch(() => undefined);
  await moveDhcpClients(host, w.bridge, w.uplink).catch(() => undefined);
  host.files.writeAtomic(w.done, `rolled back by the watchdog at ${new Date().toISOString()}\n`);
  return 'rolled back';
}

/** Moves the NIC back out of the bridge with its addresses and routes (down, or after a crash). */
export async function detachUplink(host: Host, d: UplinkDetails): Promise<string> {
  const nic = (await host.ip.listLinks()).find((l) => l.name === d.uplink);
  if (!nic) return `uplink ${d.uplink}: gone from the host, nothing to move back`;
  if (nic.master !== d.bridge) return `uplink ${d.uplink}: not in ${d.bridge} (already moved back)`;
  await host.ip.batch(d.detach);
  const moved = await moveDhcpClients(host, d.bridge, d.uplink);
  return `uplink ${d.uplink}: moved back out of ${d.bridge} with its addresses and routes${moved.length ? `; DHCP client back on ${d.uplink}` : ''}`;
}
