/**
 * The doctor's port: reads what `vlab doctor` judges — libvirt and qemu, KVM and /dev/kvm, the
 * qemu user's groups, iptables backends and chains, firewalld and ufw, br_netfilter, tools on
 * PATH, the state root's folders, free disk and memory (and, for multi-host labs, the vxlan module
 * and the links' MTUs). Reads only (every command is readOnly). Files and PATH go through a
 * ProbeFs: this machine's (node:fs) or another host's (over SSH, src/host/remote/remote-probe-fs.ts).
 * `root` prefixes /proc, /sys, /dev and /etc so tests can point it at a fixture tree.
 */
import path from 'node:path';
import type { ProbeFacts } from '../doctor/facts.js';
import { HostUnreachableError } from '../errors.js';
import { detectAccel } from './accel.js';
import { LocalProbeFs, type ProbeFs } from './probe-fs.js';
import type { RunFn } from './run.js';

export interface HostProbe {
  /**
   * Everything the host checks need; `stateRoot` is vlab's state root, `uri` libvirt's;
   * `multiHost` adds the vxlan module and the links' MTUs (ProbeFacts.vxlan, .linkMtu).
   */
  probe(opts: { uri: string; stateRoot: string; multiHost?: boolean }): Promise<ProbeFacts>;
  /** Each existing folder from / down to `p` (and `p` itself when it exists), with mode and owner. */
  chain(p: string): { dir: string; mode: number; uid: number; gid: number }[];
  /** Bytes free for unprivileged use on the filesystem holding `p` (its nearest existing folder). */
  freeBytes(p: string): number | undefined;
}

const TOOLS = ['virsh', 'qemu-img', 'qemu-storage-daemon', 'debugfs', 'guestfish', 'xorriso', 'ssh-keygen', 'ping', 'ip', 'iptables'];
/** Looked up with TOOLS, in one go (one command on a remote host), but not reported as tools. */
const ALSO = ['qemu-system-x86_64', 'iptables-legacy-save', 'iptables-nft-save', 'modinfo'];

/** Each link's MTU from `ip -j link show` (links without one, or unparsable output: left out). */
export function parseLinkMtus(json: string): Record<string, number> {
  let links: unknown;
  try {
    links = JSON.parse(json);
  } catch {
    return {};
  }
  if (!Array.isArray(links)) return {};
  const out: Record<string, number> = {};
  for (const l of links as { ifname?: unknown; mtu?: unknown }[]) if (typeof l.ifname === 'string' && typeof l.mtu === 'number') out[l.ifname] = l.mtu;
  return out;
}

export class ProcProbe implements HostProbe {
  private readonly fs: ProbeFs;
  private readonly root: string;

  /**
   * @param run read-only commands (this machine's run(), or remoteRun for another host)
   * @param rootOrFs a fixture root for /proc, /sys, /dev and /etc on this machine (tests), or the ProbeFs of another host
   * @param pathEnv where this machine's tools are looked for (with a root)
   */
  constructor(
    private readonly run: RunFn,
    rootOrFs: string | ProbeFs = '/',
    pathEnv = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
  ) {
    this.fs = typeof rootOrFs === 'string' ? new LocalProbeFs(pathEnv) : rootOrFs;
    this.root = typeof rootOrFs === 'string' ? rootOrFs : '/';
  }

  private at(p: string): string {
    return path.join(this.root, p);
  }

  private read(p: string): string | undefined {
    return this.fs.read(this.at(p));
  }

  private async out(argv: string[]): Promise<{ ok: boolean; text: string }> {
    const r = await this.run(argv, { allowFailure: true, readOnly: true, timeoutMs: 20_000 }).catch((e: Error) => {
      if (e instanceof HostUnreachableError) throw e;
      return { exitCode: 127, stdout: '', stderr: e.message };
    });
    return { ok: r.exitCode === 0, text: r.exitCode === 0 ? r.stdout : r.stderr || r.stdout };
  }

  /** /etc/group as name → gid and gid → members. */
  private groups(): { byName: Map<string, number>; name: Map<number, string>; members: Map<number, string[]> } {
    const byName = new Map<string, number>();
    const name = new Map<number, string>();
    const members = new Map<number, string[]>();
    for (const line of (this.read('/etc/group') ?? '').split('\n')) {
      const [n, , gid, users] = line.split(':');
      if (!n || gid === undefined) continue;
      byName.set(n, Number(gid));
      name.set(Number(gid), n);
      members.set(Number(gid), (users ?? '').split(',').filter(Boolean));
    }
    return { byName, name, members };
  }

  /** The user qemu runs as: qemu.conf's `user =`, else Debian's libvirt-qemu. */
  private qemuUser(g: ReturnType<ProcProbe['groups']>): ProbeFacts['qemuUser'] {
    const conf = this.read('/etc/libvirt/qemu.conf') ?? '';
    const name = /^\s*user\s*=\s*"([^"]+)"/m.exec(conf)?.[1] ?? 'libvirt-qemu';
    const pw = (this.read('/etc/passwd') ?? '')
      .split('\n')
      .find((l) => l.split(':')[0] === name)
      ?.split(':');
    const primary = pw ? Number(pw[3]) : undefined;
    const gids = [...new Set([...(primary !== undefined ? [primary] : []), ...[...g.members].filter(([, m]) => m.includes(name)).map(([gid]) => gid)])];
    return { name, ...(pw ? { uid: Number(pw[2]) } : {}), gids, groups: gids.map((x) => g.name.get(x) ?? String(x)) };
  }

  private kvm(g: ReturnType<ProcProbe['groups']>): ProbeFacts['kvm'] {
    const exists = (p: string) => this.fs.exists(this.at(p));
    const accel = detectAccel(exists);
    const st = this.fs.stat(this.at('/dev/kvm'));
    const dev: ProbeFacts['kvm']['dev'] = st ? { mode: st.mode, uid: st.uid, gid: st.gid, group: g.name.get(st.gid) ?? String(st.gid) } : undefined;
    const flags = /^flags\s*:(.*)$/m.exec(this.read('/proc/cpuinfo') ?? '')?.[1] ?? '';
    const cpuFlag = /\bvmx\b/.test(flags) ? 'vmx' : /\bsvm\b/.test(flags) ? 'svm' : undefined;
    const module = exists('/sys/module/kvm_intel') ? 'kvm_intel' : exists('/sys/module/kvm_amd') ? 'kvm_amd' : undefined;
    const nested = module ? this.read(`/sys/module/${module}/parameters/nested`)?.trim() : undefined;
    return { accel, ...(dev ? { dev } : {}), ...(cpuFlag ? { cpuFlag } : {}), ...(module ? { module } : {}), ...(nested !== undefined ? { nested } : {}) };
  }

  private async iptables(which: Record<string, string | null>): Promise<ProbeFacts['iptables']> {
    const v = which.iptables ? (await this.out(['iptables', '-V'])).text : '';
    const backend = /nf_tables/.test(v) ? 'nf_tables' : /legacy/.test(v) ? 'legacy' : undefined;
    const count = async (tool: string) => (which[tool] ? (await this.out([tool])).text.split('\n').filter((l) => l.startsWith('-A ')).length : undefined);
    const [legacyRules, nftRules] = await Promise.all([count('iptables-legacy-save'), count('iptables-nft-save')]);
    const filter = backend ? (await this.out(['iptables', '-t', 'filter', '-S'])).text : '';
    const forwardPolicy = /^-P FORWARD (\S+)/m.exec(filter)?.[1];
    return {
      ...(backend ? { backend } : {}),
      ...(legacyRules !== undefined ? { legacyRules } : {}),
      ...(nftRules !== undefined ? { nftRules } : {}),
      ...(forwardPolicy ? { forwardPolicy } : {}),
      docker: /^-N DOCKER/m.test(filter),
      ufwChains: /^-N ufw-/m.test(filter),
    };
  }

  /** A process of this name runs (/proc/PID/comm, all read at once). */
  private running(comm: string): boolean {
    return Object.entries(this.fs.readEach(this.at('/proc'), 'comm')).some(([pid, c]) => /^\d+$/.test(pid) && c.trim() === comm);
  }

  /** Multi-host labs: whether the vxlan module is loaded, else whether modinfo finds it; each link's MTU (`ip -j link show`). */
  private async multiHost(which: Record<string, string | null>): Promise<Pick<ProbeFacts, 'vxlan' | 'linkMtu'>> {
    const loaded = this.fs.exists(this.at('/sys/module/vxlan'));
    let found: { module?: string; modinfoError?: string } = {};
    if (!loaded) {
      if (!which.modinfo) found = { modinfoError: 'modinfo is not on PATH' };
      else {
        const r = await this.out(['modinfo', '-F', 'filename', 'vxlan']);
        const file = r.text.trim().split('\n')[0] ?? '';
        found = r.ok && file ? { module: file } : { modinfoError: r.text.trim().split('\n').slice(-1)[0] || 'not found' };
      }
    }
    // Netlink, not /sys/class/net: sysfs shows the links of the namespace it was mounted in.
    const links = which.ip ? await this.out(['ip', '-j', 'link', 'show']) : { ok: false, text: '' };
    const linkMtu = links.ok ? parseLinkMtus(links.text) : {};
    return { vxlan: { loaded, ...found }, linkMtu };
  }

  chain(p: string): { dir: string; mode: number; uid: number; gid: number }[] {
    const abs = path.posix.resolve(p);
    const parts = abs.split('/').filter(Boolean);
    const out: { dir: string; mode: number; uid: number; gid: number }[] = [];
    for (let i = 0; i <= parts.length; i++) {
      const dir = '/' + parts.slice(0, i).join('/');
      const st = this.fs.stat(dir);
      if (!st) break;
      out.push({ dir, mode: st.mode, uid: st.uid, gid: st.gid });
    }
    return out;
  }

  freeBytes(p: string): number | undefined {
    let dir = path.posix.resolve(p);
    while (!this.fs.exists(dir) && dir !== '/') dir = path.posix.dirname(dir);
    return this.fs.freeBytes(dir);
  }

  async probe(opts: { uri: string; stateRoot: string; multiHost?: boolean }): Promise<ProbeFacts> {
    const which = this.fs.which([...TOOLS, ...ALSO]);
    const [lv, machines, iptables, multi] = await Promise.all([
      which.virsh ? this.out(['virsh', '-c', opts.uri, 'version', '--daemon']) : Promise.resolve({ ok: false, text: 'virsh is not on PATH' }),
      which['qemu-system-x86_64'] ? this.out(['qemu-system-x86_64', '-machine', 'help']) : Promise.resolve({ ok: false, text: '' }),
      this.iptables(which),
      opts.multiHost ? this.multiHost(which) : Promise.resolve({}),
    ]);
    const version = /Running against daemon:\s*(.*)/.exec(lv.text)?.[1]?.trim() ?? /Running hypervisor:\s*(.*)/.exec(lv.text)?.[1]?.trim();
    const mem = /^MemAvailable:\s+(\d+) kB/m.exec(this.read('/proc/meminfo') ?? '')?.[1];
    const ufwConf = this.read('/etc/ufw/ufw.conf') ?? '';
    const call = this.read('/proc/sys/net/bridge/bridge-nf-call-iptables')?.trim();
    const qemuBin = which['qemu-system-x86_64'];
    const free = this.freeBytes(opts.stateRoot);
    const groups = this.groups();
    return {
      uri: opts.uri,
      libvirt: lv.ok ? { answers: true, ...(version ? { version: `libvirtd ${version}` } : {}) } : { answers: false, error: lv.text.trim().split('\n').slice(-1)[0] ?? '' },
      qemu: {
        ...(qemuBin ? { binary: qemuBin } : {}),
        machines: machines.ok
          ? machines.text
              .split('\n')
              .slice(1)
              .map((l) => l.trim().split(/\s+/)[0]!)
              .filter(Boolean)
          : [],
      },
      kvm: this.kvm(groups),
      qemuUser: this.qemuUser(groups),
      iptables,
      firewalldRunning: this.running('firewalld'),
      ufwEnabled: /^\s*ENABLED\s*=\s*yes/m.test(ufwConf),
      brNetfilter: { loaded: this.fs.exists(this.at('/sys/module/br_netfilter')), ...(call !== undefined ? { callIptables: call } : {}) },
      tools: Object.fromEntries(TOOLS.map((t) => [t, which[t] ?? null])),
      stateRoot: { path: opts.stateRoot, chain: this.chain(opts.stateRoot), ...(free !== undefined ? { freeBytes: free } : {}) },
      ...(mem ? { memAvailableBytes: Number(mem) * 1024 } : {}),
      ...multi,
    };
  }
}
