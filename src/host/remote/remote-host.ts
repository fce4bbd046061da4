/**
 * A Host whose ports act on another hypervisor of the lab over SSH: ip, iptables, sysctl,
 * qemu-img, virsh, files, ping and doctor's probe run there (remoteRun / remoteRunSync through the
 * controller's ONE runner, so dry-run and the trace see them); guests there are reached through it
 * (the guest ssh's ProxyCommand, `virsh console` under `ssh -t`). Ports that only work on the
 * controller (offline disk edits, the image inspector, seed ISOs, key generation, the sandbox)
 * throw a BugError naming the port: guest disks are made on the controller and copied.
 */
import fs from 'node:fs';
import { BugError, HostError } from '../../errors.js';
import { AgentExec } from '../agent-exec.js';
import { commandLine } from '../command-line.js';
import type { GuestConsoles } from '../guest-console.js';
import type { Host } from '../index.js';
import { IpRouteCommand } from '../iproute.js';
import { IptablesCommand } from '../iptables.js';
import { LabExec } from '../lab-exec.js';
import { LibvirtClient } from '../libvirt/index.js';
import type { Processes } from '../processes.js';
import { PingCommand } from '../processes.js';
import { ProcProbe } from '../probe.js';
import { QemuImgCommand } from '../qemu-img.js';
import type { InteractiveFn, Runner } from '../run.js';
import { SshExec } from '../ssh-exec.js';
import { SshSessionCommand } from '../ssh-session.js';
import { SysctlCommand } from '../sysctl.js';
import { RemoteFiles } from './remote-files.js';
import { RemoteProbeFs } from './remote-probe-fs.js';
import { copyToHost, remoteSha256 } from './copy-file.js';
import { remoteRun, remoteRunSync } from './remote-run.js';
import { ensureControlDir, sshArgs, type SshTarget } from './ssh-target.js';

/** Which remote host, the libvirt URI to use ON it (qemu:///system), and the controller's folder for the shared ssh connections. */
export interface RemoteHostOptions {
  target: SshTarget;
  libvirtUri: string;
  controlDir: string;
}

/**
 * The ssh options that take a guest's SSH connection through the host: a ProxyCommand running
 * `ssh <the host's options> -W '[guest]:port'` (sharing the host's connection). A ProxyCommand
 * rather than -J so the host's key, known_hosts and control socket apply to that hop too.
 */
export function proxyThrough(t: SshTarget, controlDir: string): string[] {
  const hop = commandLine(['ssh', ...sshArgs(t, controlDir)]).replace(/%/g, '%%');
  return ['-o', `ProxyCommand=${hop} -W '[%h]:%p'`];
}

/** A port that does not exist on a remote host: any use is a bug of the caller. */
function localOnly<T extends object>(port: string, where: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      throw new BugError(`host ${where}: the ${port} port works only on the controller, not on a remote host (${port}.${prop} called)`);
    },
  });
}

/** Processes on a remote host: nothing of vlab's disk helpers runs there; DHCP clients and detached helpers are not supported there yet. */
class RemoteProcesses implements Processes {
  constructor(private readonly where: string) {}

  private unsupported(what: string): never {
    throw new BugError(`host ${this.where}: processes.${what} is not supported on a remote host (an uplink or watchdog there)`);
  }

  /** Not supported remotely (an uplink on a remote host). */
  dhcpClients(): never {
    return this.unsupported('dhcpClients');
  }
  /** Not supported remotely. */
  stopDhcpClient(): Promise<void> {
    return this.unsupported('stopDhcpClient');
  }
  /** Not supported remotely (the uplink watchdog). */
  spawnDetached(): never {
    return this.unsupported('spawnDetached');
  }
  /** Not supported remotely. */
  signal(): never {
    return this.unsupported('signal');
  }
  /** None: disk helpers run on the controller. */
  killStrayDiskHelpers(): [] {
    return [];
  }
  /** None: disk exports run on the controller. */
  cleanupDiskExports(): Promise<string[]> {
    return Promise.resolve([]);
  }
  /** None: disk helpers run on the controller. */
  diskHelpers(): string[] {
    return [];
  }
}
/** Serial consoles of guests on the host: `virsh console` there under `ssh -t`; the log read through the host's files. */
class RemoteConsoles implements GuestConsoles {
  constructor(
    private readonly interactive: InteractiveFn,
    private readonly opts: RemoteHostOptions,
    private readonly files: RemoteFiles,
  ) {}

  /** ssh -t to the host, running virsh console there. */
  attach(domain: string): Promise<number> {
    const { target, controlDir, libvirtUri } = this.opts;
    ensureControlDir(controlDir);
    return this.interactive(['ssh', '-t', ...sshArgs(target, controlDir), '--', commandLine(['virsh', '-c', libvirtUri, 'console', domain])]);
  }

  /** The log file on the host. */
  readLog(file: string): string {
    if (!this.files.exists(file)) {
      throw new HostError(`no console log at ${file} on host ${this.opts.target.name}`, 'the guest has not been started since `vlab up` made it: `vlab status` shows it');
    }
    return this.files.read(file);
  }
}

/** sha256 of this machine's files, once per file content (path, size, mtime) for the life of the process: several guests share one base image. */
class LocalSums {
  private readonly sums = new Map<string, Promise<string>>();
  constructor(private readonly run: Runner['run']) {}
  sum(p: string): Promise<string> {
    const st = fs.statSync(p);
    const key = `${p}\0${st.size}\0${st.mtimeMs}`;
    let s = this.sums.get(key);
    if (!s) {
      s = this.run(['sha256sum', '--', p], { readOnly: true, hint: `cannot read ${p}` }).then((r) => r.stdout.split(/\s/)[0]!);
      this.sums.set(key, s);
    }
    return s;
  }
}

/** The Host of a remote hypervisor over the controller's runner. */
export function createRemoteHost(runner: Runner, opts: RemoteHostOptions, libvirtOpts: { verbose?: (msg: string) => void } = {}): Host {
  const { target, controlDir } = opts;
  const run = remoteRun(runner.run, target, controlDir);
  const localSums = new LocalSums(runner.run);
  const files = new RemoteFiles(remoteRunSync(runner.runSync, target, controlDir), runner.dryRun, `host ${target.name}`);
  const libvirt = new LibvirtClient(run, opts.libvirtUri, {
    binding: false,
    dryRun: runner.dryRun,
    xmlVia: 'stdin',
    ...(libvirtOpts.verbose ? { verbose: libvirtOpts.verbose } : {}),
  });
  const agent = new AgentExec(libvirt);
  const via = proxyThrough(target, controlDir);
  return {
    where: target.name,
    ip: new IpRouteCommand(run),
    iptables: new IptablesCommand(run),
    sysctl: new SysctlCommand(run),
    libvirt,
    qemuImg: new QemuImgCommand(run),
    disks: localOnly('disks', target.name),
    inspector: localOnly('inspector', target.name),
    seedIsos: localOnly('seedIsos', target.name),
    agent,
    sshKeygen: localOnly('sshKeygen', target.name),
    processes: new RemoteProcesses(target.name),
    ping: new PingCommand(run),
    files,
    probe: new ProcProbe(run, new RemoteProbeFs(remoteRunSync(runner.runSync, target, controlDir))),
    sandbox: localOnly('sandbox', target.name),
    sshSession: new SshSessionCommand((argv) => {
      ensureControlDir(controlDir);
      return runner.interactive(argv);
    }),
    console: new RemoteConsoles(runner.interactive, opts, files),
    dryRun: runner.dryRun,
    transfer: {
      push: (localPath, remotePath, mode) => copyToHost(runner.run, run, localPath, remotePath, mode),
      sha256: (p) => remoteSha256(run, p),
      localSha256: (p) => localSums.sum(p),
    },
    labExec: (keys) =>
      new LabExec(
        agent,
        keys,
        (targets) =>
          new SshExec((argv, o) => {
            ensureControlDir(controlDir);
            return runner.run(argv, o);
          }, targets),
        via,
      ),
  };
}
