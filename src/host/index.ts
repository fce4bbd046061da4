/** All host adapters in one object: the only door from vlab's logic to the machine. */
import { AgentExec } from './agent-exec.js';
import { GuestfishDisks } from './disks/guestfish-disks.js';
import { DirectDisks } from './disks/direct-disks.js';
import { RoutedDisks } from './disks/routed-disks.js';
import { DiskInspector } from './disks/inspect.js';
import type { GuestDisks } from './disks/types.js';
import type { GuestExec } from './guest-exec.types.js';
import { IpRouteCommand, type IpRoute } from './iproute.js';
import { IptablesCommand, type Iptables } from './iptables.js';
import { LibvirtClient, type Libvirt } from './libvirt/index.js';
import { QemuImgCommand, type QemuImg } from './qemu-img.js';
import { SysctlCommand, type Sysctl } from './sysctl.js';
import { XorrisoSeedIsos, type SeedIsos } from './seed-iso.js';
import { SshKeygenCommand, type SshKeygen } from './ssh-keygen.js';
import { LocalFiles, type HostFiles } from './files.js';
import { HostProcesses, PingCommand, type Pinger, type Processes } from './processes.js';
import { createRunner, type TraceEvent } from './run.js';
import { ProcProbe, type HostProbe } from './probe.js';
import { ScriptSandbox, type Sandbox } from './sandbox.js';
import { requireLocalUri } from './libvirt-uri.js';
import { LabExec, type LabSshKeys } from './lab-exec.js';
import { SshExec } from './ssh-exec.js';
import { SshSessionCommand, type SshSessions } from './ssh-session.js';
import { VirshConsoles, type GuestConsoles } from './guest-console.js';
import type { FileTransfer } from './transfer.types.js';
import type { LabHost } from '../spec/types.js';
import { createRemoteHost, type RemoteHostOptions } from './remote/remote-host.js';
import { defaultControlDir } from './remote/ssh-target.js';

export interface Host {
  /** Which machine the ports act on, for messages: 'local' (the controller; also when unset) or a remote host's name from the lab file. */
  readonly where?: string;
  ip: IpRoute;
  iptables: Iptables;
  sysctl: Sysctl;
  libvirt: Libvirt;
  qemuImg: QemuImg;
  /** Offline edits of the guests' overlays: direct (FUSE export + debugfs) or libguestfs, per job. */
  disks: GuestDisks;
  /** Reads base images, read-only: root route, stack evidence, kernel. */
  inspector: Pick<DiskInspector, 'inspect' | 'copyOut' | 'uncompressKernel'>;
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
  /** Files and folders vlab makes or removes on the host. */
  files: HostFiles;
  /** What `vlab doctor` reads off the host (read-only). */
  probe: HostProbe;
  /** `vlab test`'s sandbox: start a command in one; inside one, the simulated outside world and a shell. */
  sandbox: Sandbox;
  /** `vlab ssh`: SSH sessions on vlab's terminal (interactive stdio). */
  sshSession: SshSessions;
  /** `vlab console`: serial consoles on vlab's terminal, and their log files. */
  console: GuestConsoles;
  /** True when changes are skipped (`plan`, `--dry-run`): apply code reads it here, never from a global. */
  readonly dryRun: boolean;
  /** `-c qemu+ssh://…`: the remote host every lab loaded through this Host is placed on (src/lab/lab-file.ts). */
  readonly connectUri?: string;
  /** Multi-host labs: a Host whose every port acts on that remote host over SSH, with this one's dry-run and trace (this machine's Host only). */
  remote?: (h: LabHost) => Host;
  /** Multi-host labs: copies files from this machine to the host (remote hosts only). */
  transfer?: FileTransfer;
  /** The lab's exec transport per guest (agent, ssh or auto), from its `ssh.keys` record. */
  labExec(keys: LabSshKeys | undefined): LabExec;
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
  /** Skip every command that changes the host (reads still run). */
  dryRun?: boolean;
  /** Sees every command run (the --verbose trace). */
  trace?: (e: TraceEvent) => void;
  /**
   * Every port acts on this other host over SSH (multi-host labs; src/host/remote/): the target,
   * the libvirt URI as seen ON that host (qemu:///system), and the controller's folder for the
   * shared ssh connections (made 0700 before the first command; defaultControlDir()). `uri` and
   * `binding` are ignored then; ports that only work on the controller throw a BugError.
   */
  remote?: RemoteHostOptions;
}

/** Creates the real adapters. Nothing touches the host until a method is called. */
export function createHost(opts: CreateHostOptions = {}): Host {
  // qemu+ssh:// names a remote host the lab goes to (`-c` alone); other remote transports are refused.
  const connectUri = opts.uri && /^qemu\+ssh:\/\//.test(opts.uri) ? opts.uri : undefined;
  if (opts.uri && !connectUri) requireLocalUri(opts.uri);
  opts = connectUri ? (({ uri: _u, ...rest }) => rest)(opts) : opts;
  const runner = createRunner({ dryRun: opts.dryRun ?? false, ...(opts.trace ? { trace: opts.trace } : {}) });
  const verbose = opts.verbose ? { verbose: opts.verbose } : {};
  if (opts.remote) return createRemoteHost(runner, opts.remote, verbose);
  const { run } = runner;
  const libvirt = new LibvirtClient(run, opts.uri, {
    dryRun: runner.dryRun,
    ...(opts.binding !== undefined ? { binding: opts.binding } : {}),
    ...(opts.verbose ? { verbose: opts.verbose } : {}),
  });
  const agent = new AgentExec(libvirt);
  return {
    where: 'local',
    ip: new IpRouteCommand(run),
    iptables: new IptablesCommand(run),
    sysctl: new SysctlCommand(run),
    libvirt,
    qemuImg: new QemuImgCommand(run),
    disks: new RoutedDisks(new DirectDisks(run, runner.dryRun), new GuestfishDisks({ run, dryRun: runner.dryRun, ...(opts.kvm !== undefined ? { kvm: opts.kvm } : {}) })),
    inspector: new DiskInspector(run),
    seedIsos: new XorrisoSeedIsos(run),
    agent,
    sshKeygen: new SshKeygenCommand(run),
    processes: new HostProcesses(runner.spawnDetached, runner.dryRun, run),
    ping: new PingCommand(run),
    files: new LocalFiles(runner.dryRun),
    probe: new ProcProbe(run),
    sandbox: new ScriptSandbox(runner, run),
    sshSession: new SshSessionCommand(runner.interactive),
    console: new VirshConsoles(runner.interactive, libvirt.uri),
    dryRun: runner.dryRun,
    ...(connectUri ? { connectUri } : {}),
    remote: (h) =>
      createRemoteHost(runner, { target: { name: h.name, ...h.ssh!, user: h.ssh?.user ?? 'root' }, libvirtUri: h.libvirtUri, controlDir: defaultControlDir() }, verbose),
    labExec: (keys) => new LabExec(agent, keys, (targets) => new SshExec(run, targets)),
  };
}

export type { RemoteHostOptions };
export type { SshTarget as RemoteTarget } from './remote/ssh-target.js';
export { copyToHost, remoteSha256 } from './remote/copy-file.js';
export { defaultControlDir, parseSshUri } from './remote/ssh-target.js';
export type { IpRoute, Iptables, Sysctl, Libvirt, QemuImg, GuestDisks, GuestExec, SeedIsos, SshKeygen, Processes, Pinger, HostFiles, SshSessions, GuestConsoles };
