/** All host adapters in one object: the only door from vlab's logic to the machine. */
import { AgentExec } from './agent-exec.js';
import { GuestfishDisks, type GuestDisks } from './guest-disk.js';
import type { GuestExec } from './guest-exec.types.js';
import { IpRouteCommand, type IpRoute } from './iproute.js';
import { IptablesCommand, type Iptables } from './iptables.js';
import { LibvirtClient, type Libvirt } from './libvirt.js';
import { QemuImgCommand, type QemuImg } from './qemu-img.js';
import { SysctlCommand, type Sysctl } from './sysctl.js';
import { XorrisoSeedIsos, type SeedIsos } from './seed-iso.js';
import { SshKeygenCommand, type SshKeygen } from './ssh-keygen.js';
import { HostProcesses, PingCommand, type Pinger, type Processes } from './processes.js';
import { isDryRun, run, spawnDetached } from './run.js';

export interface Host {
  ip: IpRoute;
  iptables: Iptables;
  sysctl: Sysctl;
  libvirt: Libvirt;
  qemuImg: QemuImg;
  disks: GuestDisks;
  /** cloud-init NoCloud seed ISOs. */
  seedIsos: SeedIsos;
  /** Runs commands in guests (qemu guest agent); LabExec adds SSH per lab. */
  agent: GuestExec;
  /** Key pairs for the ssh transport. */
  sshKeygen: SshKeygen;
  /** DHCP clients, the uplink watchdog, stray disk helpers. */
  processes: Processes;
  /** Whether an address answers from this host (the uplink check). */
  ping: Pinger;
  /** True when changes are skipped (`plan`, `--dry-run`): apply code reads it here, never from a global. */
  readonly dryRun: boolean;
}

export interface CreateHostOptions {
  /** libvirt connection URI (default: LIBVIRT_DEFAULT_URI, else qemu:///system). */
  uri?: string;
  /** Use the @unraid/libvirt binding for domains when it loads (default true; env VLAB_LIBVIRT_BINDING=off disables). */
  binding?: boolean;
  /** Receives verbose-level notes (e.g. why domains go through virsh). */
  verbose?: (msg: string) => void;
  /** Whether KVM works, for the libguestfs appliance (default: detected). */
  kvm?: boolean;
}

/** Creates the real adapters. Nothing touches the host until a method is called. */
export function createHost(opts: CreateHostOptions = {}): Host {
  const libvirt = new LibvirtClient(opts.uri, {
    ...(opts.binding !== undefined ? { binding: opts.binding } : {}),
    ...(opts.verbose ? { verbose: opts.verbose } : {}),
  });
  return {
    ip: new IpRouteCommand(),
    iptables: new IptablesCommand(),
    sysctl: new SysctlCommand(),
    libvirt,
    qemuImg: new QemuImgCommand(),
    disks: new GuestfishDisks(opts.kvm !== undefined ? { kvm: opts.kvm } : {}),
    seedIsos: new XorrisoSeedIsos(),
    agent: new AgentExec(libvirt),
    sshKeygen: new SshKeygenCommand(),
    processes: new HostProcesses(spawnDetached, isDryRun()),
    ping: new PingCommand(run),
    dryRun: isDryRun(),
  };
}

export type { IpRoute, Iptables, Sysctl, Libvirt, QemuImg, GuestDisks, GuestExec, SeedIsos, SshKeygen, Processes, Pinger };
