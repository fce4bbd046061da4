/**
 * A deterministic snapshot of the machine state a sandboxed run must never change, taken from
 * OUTSIDE the sandbox (test-only). Two snapshots compare with assert.equal (a text diff).
 * IPv6 link-local addresses and address lifetimes are left out: they change on their own.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, lstat, readlink, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

const VOLATILE = new Set(['stats', 'stats64', 'valid_life_time', 'preferred_life_time']);

function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, x]) => [k, clean(x)]),
    );
  }
  return v;
}

async function ipJson(args: string[]): Promise<string> {
  const r = await execa('ip', ['-j', ...args]);
  const rows = JSON.parse(r.stdout || '[]') as Record<string, unknown>[];
  return rows
    .map((row) => {
      const c = clean(row) as Record<string, unknown>;
      if (Array.isArray(c.addr_info)) {
        c.addr_info = c.addr_info.filter((a: { family?: string; scope?: string }) => !(a.family === 'inet6' && a.scope === 'link'));
      }
      return JSON.stringify(c);
    })
    .join('\n');
}

async function optional(file: string, args: string[], filter: (s: string) => string = (s) => s): Promise<string> {
  const r = await execa(file, args, { reject: false, timeout: 20_000 });
  if (r.exitCode !== 0 || r.failed) return `(${file} ${args.join(' ')} unavailable: ${(r.stderr || String(r.exitCode)).split('\n')[0]})`;
  return filter(r.stdout);
}

const iptablesFilter = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, ''))
    .join('\n');

/** Recursive listing of DIR: type, mode, owner, size and sha256 of each entry. */
export async function treeDigest(dir: string): Promise<string> {
  if (!existsSync(dir)) return `(${dir} absent)`;
  const lines: string[] = [];
  const walk = async (d: string) => {
    for (const name of (await readdir(d)).sort()) {
      const p = path.join(d, name);
      const st = await lstat(p);
      const rel = path.relative(dir, p);
      const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isDirectory()) {
        lines.push(`d ${rel} ${meta}`);
        await walk(p);
      } else if (st.isSymbolicLink()) {
        lines.push(`l ${rel} -> ${await readlink(p)}`);
      } else {
        const hash = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
        lines.push(`f ${rel} ${meta} ${st.size} ${hash}`);
      }
    }
  };
  await walk(dir);
  return lines.join('\n');
}

/** cgroup directories libvirt would create for guests (machine/, *.libvirt-qemu, ...). */
async function libvirtCgroups(): Promise<string> {
  const found: string[] = [];
  const walk = async (d: string, depth: number) => {
    let names: string[] = [];
    try {
      names = (await readdir(d, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = path.join(d, n);
      if (/machine|libvirt|qemu/.test(n)) found.push(p);
      if (depth < 4) await walk(p, depth + 1);
    }
  };
  await walk('/sys/fs/cgroup', 0);
  return found.join('\n');
}

/** /dev/kvm's device numbers, owner and mode (the sandbox may bind a private node over it, never change it). */
async function devKvm(): Promise<string> {
  if (!existsSync('/dev/kvm')) return '(absent)';
  const st = await stat('/dev/kvm');
  return `${st.isCharacterDevice() ? 'c' : '?'} ${st.rdev} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
}

/** Whether a libvirtd answers on the machine's own qemu:///system. */
export async function hostLibvirtAnswers(): Promise<boolean> {
  const r = await execa('virsh', ['-c', 'qemu:///system', 'version'], { reject: false, timeout: 15_000 });
  return r.exitCode === 0;
}

/** The snapshot; `notes` says what could not be looked at (for t.diagnostic). */
export async function hostSnapshot(): Promise<{ text: string; notes: string[] }> {
  const notes: string[] = [];
  const sections: [string, string][] = [
    ['ip addr', await ipJson(['addr'])],
    ['ip link', await ipJson(['link'])],
    ['ip route', await ipJson(['route'])],
    ['ip -6 route', await ipJson(['-6', 'route', 'show', 'table', 'main'])],
    ['ip rule', await ipJson(['rule'])],
    ['netns', await optional('ip', ['netns', 'list'])],
    ['iptables', await optional('iptables-save', [], iptablesFilter)],
    ['ip6tables', await optional('ip6tables-save', [], iptablesFilter)],
    ['ip_forward', (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim()],
    ['/etc/libvirt', await treeDigest('/etc/libvirt')],
    ['/etc/network', await treeDigest('/etc/network')],
    ['/var/lib/vlab', await treeDigest('/var/lib/vlab')],
    ['/var/cache/vlab', await treeDigest('/var/cache/vlab')],
    ['/dev/kvm', await devKvm()],
    ['/run/libvirt', existsSync('/run/libvirt') ? await treeDigest('/run/libvirt') : '(absent)'],
    ['cgroups', await libvirtCgroups()],
  ];
  if (sections.find(([k]) => k === 'iptables')![1].startsWith('(')) notes.push('iptables-save does not work here: iptables not compared');
  if (await hostLibvirtAnswers()) {
    sections.push(['virsh net-list', await optional('virsh', ['-c', 'qemu:///system', 'net-list', '--all', '--name'])]);
    sections.push(['virsh list', await optional('virsh', ['-c', 'qemu:///system', 'list', '--all', '--name'])]);
  } else {
    notes.push('no libvirtd answers on the host: host libvirt networks/domains not compared');
  }
  return { text: sections.map(([k, v]) => `== ${k}\n${v}\n`).join(''), notes };
}

/** PIDs of the processes whose PID namespace is NS (a readlink of /proc/PID/ns/pid, e.g. `pid:[4026532...]`). */
export async function pidsInNamespace(ns: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if ((await readlink(`/proc/${name}/ns/pid`)) === ns) pids.push(Number(name));
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return pids;
}
