/**
 * The processes port: host processes vlab finds, starts or stops outside libvirt — DHCP client
 * daemons that move with a bridged uplink, the detached uplink watchdog, and stray libguestfs
 * helpers a killed `up` left behind. /proc scans and signals live here only.
 */
import { findDhcpClients, stopClient, type DhcpClientFact } from './dhcp-clients.js';
import { findStrayDiskHelpers, killStrayDiskHelpers, type StrayProcess } from './stray.js';
import type { RunFn } from './run.js';
import { cleanupExports, exportDaemons } from './disks/fuse-export.js';

export interface Processes {
  /** DHCP client daemons (dhclient, udhcpc, dhcpcd) bound to `ifname`, with argv and environment (reads /proc). */
  dhcpClients(ifname: string): DhcpClientFact[];
  /** Stops a DHCP client (SIGTERM, it keeps its lease) and waits up to 3 s for it to exit. */
  stopDhcpClient(pid: number): Promise<void>;
  /** Starts a process that outlives vlab (detached, no stdio); its pid, or undefined in dry-run. */
  spawnDetached(argv: string[], env?: Record<string, string>): number | undefined;
  /** Sends `signal` to `pid`; a process already gone is fine. */
  signal(pid: number, signal: NodeJS.Signals): void;
  /** Kills libguestfs helpers whose command line names a file under `disksDir`; returns them. */
  killStrayDiskHelpers(disksDir: string): StrayProcess[];
  /** Stops disk-export daemons a killed `up` left for overlays in `disksDir`, unmounts their FUSE mounts; one line each. */
  cleanupDiskExports(disksDir: string): Promise<string[]>;
  /** Helpers holding files under `disksDir` (libguestfs processes, disk-export daemons and FUSE mounts), one line each; changes nothing. */
  diskHelpers(disksDir: string): string[];
}

/** The real processes port. In dry-run nothing is started, stopped or killed; scans still run. */
export class HostProcesses implements Processes {
  constructor(
    private readonly spawn: (argv: string[], env?: Record<string, string>) => number | undefined,
    private readonly dryRun: boolean,
    private readonly run: RunFn,
  ) {}

  dhcpClients(ifname: string): DhcpClientFact[] {
    return findDhcpClients(ifname);
  }

  async stopDhcpClient(pid: number): Promise<void> {
    if (!this.dryRun) await stopClient(pid);
  }

  spawnDetached(argv: string[], env?: Record<string, string>): number | undefined {
    return this.spawn(argv, env);
  }

  signal(pid: number, signal: NodeJS.Signals): void {
    if (this.dryRun) return;
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }

  killStrayDiskHelpers(disksDir: string): StrayProcess[] {
    return this.dryRun ? [] : killStrayDiskHelpers(disksDir);
  }

  async cleanupDiskExports(disksDir: string): Promise<string[]> {
    return this.dryRun ? [] : cleanupExports(this.run, disksDir);
  }

  diskHelpers(disksDir: string): string[] {
    return [
      ...findStrayDiskHelpers(disksDir).map((p) => `libguestfs process ${p.pid} (${p.cmdline.slice(0, 80)})`),
      ...exportDaemons(disksDir).map((d) => `disk export ${d.raw}${d.pid ? ` (qemu-storage-daemon ${d.pid})` : ''}${d.mounted ? ', mounted' : ''}`),
    ];
  }
}

/** The ping port: whether an address answers from this host. */
export interface Pinger {
  /** One ICMP echo to `address` out of `dev` (1 s wait); true when it answered. */
  answers(address: string, dev: string): Promise<boolean>;
}

/** Pinger through iputils `ping`, via run(). */
export class PingCommand implements Pinger {
  constructor(private readonly run: RunFn) {}

  async answers(address: string, dev: string): Promise<boolean> {
    const r = await this.run(['ping', '-c', '1', '-W', '1', '-I', dev, address], { allowFailure: true, timeoutMs: 5000, readOnly: true });
    return r.exitCode === 0;
  }
}
