/**
 * The doctor's port: reads what `vlab doctor` judges — libvirt and qemu, KVM and /dev/kvm, the
 * qemu user's groups, iptables backends and chains, firewalld and ufw, br_netfilter, tools on
 * PATH, the state root's folders, free disk and memory. Reads only (every command is readOnly).
 * `root` prefixes /proc, /sys, /dev and /etc so tests can point it at a fixture tree.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProbeFacts } from '../doctor/facts.js';
import { detectAccel } from './accel.js';
import type { RunFn } from './run.js';

export interface HostProbe {
  /** Everything the host checks need; `stateRoot` is vlab's state root, `uri` libvirt's. */
  probe(opts: { uri: string; stateRoot: string }): Promise<ProbeFacts>;
  /** Each existing folder from / down to `p` (and `p` itself when it exists), with mode and owner. */
  chain(p: string): { dir: string; mode: number; uid: number; gid: number }[];
  /** Bytes free for unprivileged use on the filesystem holding `p` (its nearest existing folder). */
  freeBytes(p: string): number | undefined;
}

const TOOLS = ['virsh', 'qemu-img', 'qemu-storage-daemon', 'debugfs', 'guestfish', 'xorriso', 'ssh-keygen', 'ping', 'ip', 'iptables'];

export class ProcProbe implements HostProbe {
  constructor(
    private readonly run: RunFn,
    private readonly root = '/',
    private readonly pathEnv = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
  ) {}

  private at(p: string): string {
    return path.join(this.root, p);
  }

  private read(p: string): string | undefined {
    try {
      return fs.readFileSync(this.at(p), 'utf8');
    } catch {
      return undefined;
    }
  }

  private which(name: string): string | null {
    for (const dir of this.pathEnv.split(':').filter(Boolean)) {
      const p = path.join(dir, name);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        if (fs.statSync(p).isFile()) return p;
      } catch {
        /* not here */
      }
    }
    return null;
  }

  private async out(argv: string[]): Promise<{ ok: boolean; text: string }> {
    const r = await this.run(argv, { allowFailure: true, readOnly: true, timeoutMs: 20_000 }).catch((e: Error) => ({ exitCode: 127, stdout: '', stderr: e.message }));
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
  private qemuUser(): ProbeFacts['qemuUser'] {
    const conf = this.read('/etc/libvirt/qemu.conf') ?? '';
    const name = /^\s*user\s*=\s*"([^"]+)"/m.exec(conf)?.[1] ?? 'libvirt-qemu';
    const pw = (this.read('/etc/passwd') ?? '')
      .split('\n')
      .find((l) => l.split(':')[0] === name)
      ?.split(':');
    const g = this.groups();
    const primary = pw ? Number(pw[3]) : undefined;
    const gids = [...new Set([...(primary !== undefined ? [primary] : []), ...[...g.members].filter(([, m]) => m.includes(name)).map(([gid]) => gid)])];
    return { name, ...(pw ? { uid: Number(pw[2]) } : {}), gids, groups: gids.map((x) => g.name.get(x) ?? String(x)) };
  }

  private kvm(): ProbeFacts['kvm'] {
    const exists = (p: string) => fs.existsSync(this.at(p));
    const accel = detectAccel(exists);
    let dev: ProbeFacts['kvm']['dev'];
    try {
      const st = fs.statSync(this.at('/dev/kvm'));
      dev = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, group: this.groups().name.get(st.gid) ?? String(st.gid) };
    } catch {
      dev = undefined;
    }
    const flags = /^flags\s*:(.*)$/m.exec(this.read('/proc/cpuinfo') ?? '')?.[1] ?? '';
    const cpuFlag = /\bvmx\b/.test(flags) ? 'vmx' : /\bsvm\b/.test(flags) ? 'svm' : undefined;
    const module = exists('/sys/module/kvm_intel') ? 'kvm_intel' : exists('/sys/module/kvm_amd') ? 'kvm_amd' : undefined;
    const nested = module ? this.read(`/sys/module/${module}/parameters/nested`)?.trim() : undefined;
    return { accel, ...(dev ? { dev } : {}), ...(cpuFlag ? { cpuFlag } : {}), ...(module ? { module } : {}), ...(nested !== undefined ? { nested } : {}) };
  }

  private async iptables(): Promise<ProbeFacts['iptables']> {
    const v = this.which('iptables') ? (await this.out(['iptables', '-V'])).text : '';
    const backend = /nf_tables/.test(v) ? 'nf_tables' : /legacy/.test(v) ? 'legacy' : undefined;
    const count = async (tool: string) => (this.which(tool) ? (await this.out([tool])).text.split('\n').filter((l) => l.startsWith('-A ')).length : undefined);
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

  /** A process of this name runs (/proc/PID/comm). */
  private running(comm: string): boolean {
    try {
      return fs.readdirSync(this.at('/proc')).some((e) => /^\d+$/.test(e) && this.read(`/proc/${e}/comm`)?.trim() === comm);
    } catch {
      return false;
    }
  }

  chain(p: string): { dir: string; mode: number; uid: number; gid: number }[] {
    const abs = path.resolve(p);
    const parts = abs.split('/').filter(Boolean);
    const out: { dir: string; mode: number; uid: number; gid: number }[] = [];
    for (let i = 0; i <= parts.length; i++) {
      const dir = '/' + parts.slice(0, i).join('/');
      try {
        const st = fs.statSync(dir);
        out.push({ dir, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
      } catch {
        break;
      }
    }
    return out;
  }

  freeBytes(p: string): number | undefined {
    let dir = path.resolve(p);
    while (!fs.existsSync(dir) && dir !== '/') dir = path.dirname(dir);
    try {
      const s = fs.statfsSync(dir);
      return s.bavail * s.bsize;
    } catch {
      return undefined;
    }
  }

  async probe(opts: { uri: string; stateRoot: string }): Promise<ProbeFacts> {
    const [lv, machines, iptables] = await Promise.all([
      this.which('virsh') ? this.out(['virsh', '-c', opts.uri, 'version', '--daemon']) : Promise.resolve({ ok: false, text: 'virsh is not on PATH' }),
      this.which('qemu-system-x86_64') ? this.out(['qemu-system-x86_64', '-machine', 'help']) : Promise.resolve({ ok: false, text: '' }),
      this.iptables(),
    ]);
    const version = /Running against daemon:\s*(.*)/.exec(lv.text)?.[1]?.trim() ?? /Running hypervisor:\s*(.*)/.exec(lv.text)?.[1]?.trim();
    const mem = /^MemAvailable:\s+(\d+) kB/m.exec(this.read('/proc/meminfo') ?? '')?.[1];
    const ufwConf = this.read('/etc/ufw/ufw.conf') ?? '';
    const call = this.read('/proc/sys/net/bridge/bridge-nf-call-iptables')?.trim();
    const qemuBin = this.which('qemu-system-x86_64');
    const free = this.freeBytes(opts.stateRoot);
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
      kvm: this.kvm(),
      qemuUser: this.qemuUser(),
      iptables,
      firewalldRunning: this.running('firewalld'),
      ufwEnabled: /^\s*ENABLED\s*=\s*yes/m.test(ufwConf),
      brNetfilter: { loaded: fs.existsSync(this.at('/sys/module/br_netfilter')), ...(call !== undefined ? { callIptables: call } : {}) },
      tools: Object.fromEntries(TOOLS.map((t) => [t, this.which(t)])),
      stateRoot: { path: opts.stateRoot, chain: this.chain(opts.stateRoot), ...(free !== undefined ? { freeBytes: free } : {}) },
      ...(mem ? { memAvailableBytes: Number(mem) * 1024 } : {}),
    };
  }
}
