/**
 * `vlab doctor`'s verdicts: each check says ok, warn or fail, what was seen and, when something
 * is off, the fix. Pure: the facts come from the host probe (or a test fixture).
 */
import type { LabNeeds, ProbeFacts } from './facts.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was seen, for people. */
  seen: string;
  /** What to do (absent when nothing needs doing). */
  fix?: string;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const gib = (b: number) => `${(b / GiB).toFixed(1)} GiB`;
const mode = (m: number) => (m & 0o7777).toString(8).padStart(4, '0');

/** Whether `user` may search (traverse) a folder with this mode and owner. */
export function canTraverse(d: { mode: number; uid: number; gid: number }, user: ProbeFacts['qemuUser']): boolean {
  if (user.uid === 0) return true;
  if (user.uid !== undefined && d.uid === user.uid) return (d.mode & 0o100) !== 0;
  if (user.gids.includes(d.gid)) return (d.mode & 0o010) !== 0;
  return (d.mode & 0o001) !== 0;
}

/** Whether `user` may read a file with this mode and owner. */
export function canRead(d: { mode: number; uid: number; gid: number }, user: ProbeFacts['qemuUser']): boolean {
  if (user.uid === 0) return true;
  if (user.uid !== undefined && d.uid === user.uid) return (d.mode & 0o400) !== 0;
  if (user.gids.includes(d.gid)) return (d.mode & 0o040) !== 0;
  return (d.mode & 0o004) !== 0;
}

/** Whether `user` may open a device node for reading and writing. */
function canOpen(d: { mode: number; uid: number; gid: number }, user: ProbeFacts['qemuUser']): boolean {
  if (user.uid !== undefined && d.uid === user.uid) return (d.mode & 0o600) === 0o600;
  if (user.gids.includes(d.gid)) return (d.mode & 0o060) === 0o060;
  return (d.mode & 0o006) === 0o006;
}

const REQUIRED = ['virsh', 'qemu-img', 'ip', 'iptables', 'ssh-keygen', 'ping'];
const DIRECT = ['qemu-storage-daemon', 'debugfs'];

export function hostChecks(f: ProbeFacts): Check[] {
  const out: Check[] = [];
  const add = (c: Check) => out.push(c);
  add(
    f.libvirt.answers
      ? { id: 'libvirt', title: 'libvirtd', status: 'ok', seen: `answers on ${f.uri}${f.libvirt.version ? ` (${f.libvirt.version})` : ''}` }
      : {
          id: 'libvirt',
          title: 'libvirtd',
          status: 'fail',
          seen: `no answer on ${f.uri}: ${f.libvirt.error ?? 'unknown error'}`,
          fix: 'install and start it (Debian: apt install libvirt-daemon-system; systemctl start libvirtd), or point -c/--connect at a libvirtd that answers',
        },
  );
  const machines = f.qemu.machines.filter((m) => /^(pc|q35)\b/.test(m));
  add(
    f.qemu.binary && machines.length
      ? { id: 'qemu', title: 'qemu', status: 'ok', seen: `${f.qemu.binary}; machine types ${machines.slice(0, 4).join(', ')}${machines.length > 4 ? ', ...' : ''}` }
      : {
          id: 'qemu',
          title: 'qemu',
          status: 'fail',
          seen: f.qemu.binary ? `${f.qemu.binary} offers no pc or q35 machine type` : 'qemu-system-x86_64 is not on PATH',
          fix: 'apt install qemu-system-x86',
        },
  );
  out.push(kvmCheck(f));
  const nested = nestedCheck(f);
  if (nested) out.push(nested);
  if (f.kvm.dev) {
    const d = f.kvm.dev;
    const who = `${f.qemuUser.name} (groups ${f.qemuUser.groups.join(', ') || 'none'})`;
    add(
      canOpen(d, f.qemuUser)
        ? { id: 'kvm-access', title: '/dev/kvm for the qemu user', status: 'ok', seen: `${mode(d.mode)} group ${d.group}; ${who} can open it` }
        : {
            id: 'kvm-access',
            title: '/dev/kvm for the qemu user',
            status: 'warn',
            seen: `/dev/kvm is ${mode(d.mode)} group ${d.group}, and ${who} cannot open it: libvirtd then throws its qemu capability cache away and probes qemu again on every define (about 10 s per domain)`,
            fix: `chgrp kvm /dev/kvm (for good: a udev rule KERNEL=="kvm", GROUP="kvm", MODE="0660")`,
          },
    );
  }
  out.push(iptablesCheck(f));
  const pol = f.iptables.forwardPolicy;
  if (pol)
    add(
      pol === 'ACCEPT'
        ? { id: 'forward-policy', title: 'FORWARD policy', status: 'ok', seen: 'ACCEPT' }
        : {
            id: 'forward-policy',
            title: 'FORWARD policy',
            status: 'warn',
            seen: `${pol}${f.iptables.docker ? ' (Docker manages this firewall: DOCKER chains exist)' : ''}: forwarded traffic is dropped unless a rule accepts it`,
            fix: "nothing for vlab's own networks: `vlab plan` adds ACCEPT rules for them; other bridges on this host stay blocked",
          },
    );
  if (f.firewalldRunning)
    add({
      id: 'firewalld',
      title: 'firewalld',
      status: 'warn',
      seen: "running: a reload (firewall-cmd --reload) drops rules it did not make, vlab's NAT and isolation rules among them",
      fix: 'put the lab bridges in the trusted zone (firewall-cmd --permanent --zone=trusted --add-interface=BRIDGE), or run `vlab restore` after a reload',
    });
  if (f.ufwEnabled || f.iptables.ufwChains)
    add({
      id: 'ufw',
      title: 'ufw',
      status: 'warn',
      seen: `${f.ufwEnabled ? 'enabled' : 'ufw chains present'}: its DEFAULT_FORWARD_POLICY (DROP unless changed) applies to forwarded lab traffic`,
      fix: 'vlab\'s ACCEPT rules sit above ufw\'s chains; if traffic is still dropped, set DEFAULT_FORWARD_POLICY="ACCEPT" in /etc/default/ufw or allow the bridges with `ufw route allow in on BRIDGE`',
    });
  add(
    !f.brNetfilter.loaded
      ? { id: 'br-netfilter', title: 'br_netfilter', status: 'ok', seen: 'not loaded: bridged traffic is not passed through iptables' }
      : f.brNetfilter.callIptables === '1'
        ? {
            id: 'br-netfilter',
            title: 'br_netfilter',
            status: 'warn',
            seen: 'loaded with net.bridge.bridge-nf-call-iptables=1: traffic between guests on one lab bridge goes through iptables FORWARD too, so a DROP policy or a Docker rule can cut guests off from each other',
            fix: 'sysctl -w net.bridge.bridge-nf-call-iptables=0 (if nothing else on this host needs it, e.g. Docker or Kubernetes)',
          }
        : {
            id: 'br-netfilter',
            title: 'br_netfilter',
            status: 'ok',
            seen: `loaded, bridge-nf-call-iptables=${f.brNetfilter.callIptables ?? '?'}: bridged traffic is not filtered`,
          },
  );
  out.push(toolsCheck(f));
  out.push(stateRootCheck(f));
  const free = f.stateRoot.freeBytes;
  if (free !== undefined)
    add(
      free >= 5 * GiB
        ? { id: 'disk', title: 'free disk (state root)', status: 'ok', seen: `${gib(free)} free under ${f.stateRoot.path}` }
        : {
            id: 'disk',
            title: 'free disk (state root)',
            status: free < GiB ? 'fail' : 'warn',
            seen: `${gib(free)} free under ${f.stateRoot.path}: overlays grow and every snapshot saves each guest's memory there`,
            fix: 'free space there, or set VLAB_STATE_DIR to a bigger filesystem',
          },
    );
  const mem = f.memAvailableBytes;
  if (mem !== undefined)
    add(
      mem >= GiB
        ? { id: 'memory', title: 'free memory', status: 'ok', seen: `${gib(mem)} available` }
        : { id: 'memory', title: 'free memory', status: 'warn', seen: `${gib(mem)} available: room for few guests`, fix: 'stop other guests or labs (vlab ls)' },
    );
  return out;
}

function kvmCheck(f: ProbeFacts): Check {
  const k = f.kvm;
  const title = 'accelerator';
  if (k.accel.kvm) return { id: 'kvm', title, status: 'ok', seen: `KVM (${k.accel.reason}): guests run accelerated` };
  const why = !k.dev
    ? k.cpuFlag
      ? `the CPU has ${k.cpuFlag} but there is no /dev/kvm (modprobe ${k.cpuFlag === 'vmx' ? 'kvm_intel' : 'kvm_amd'}; inside a VM, nesting must be on at the level below)`
      : 'no /dev/kvm and no vmx/svm CPU flag: this machine (or the VM it is) offers no hardware virtualisation; for a nested lab host, turn nesting on in the hypervisor below'
    : k.accel.reason;
  return {
    id: 'kvm',
    title,
    status: 'warn',
    seen: `TCG (software emulation): ${why}. Guests work, several times slower; vlab picks TCG by itself (accel: auto)`,
    fix: k.accel.reason.includes('kvm_pvm')
      ? 'nothing to do on this host: its /dev/kvm belongs to a PVM hypervisor, where ordinary guests hang'
      : 'see why above; accel: tcg in the lab file makes the choice explicit',
  };
}

/** Whether guests may run VMs of their own (nested KVM), when KVM itself works. */
function nestedCheck(f: ProbeFacts): Check | undefined {
  const k = f.kvm;
  if (!k.accel.kvm || !k.module || k.nested === undefined) return undefined;
  const on = /^(Y|1)$/i.test(k.nested);
  return on
    ? { id: 'kvm-nested', title: 'nested KVM', status: 'ok', seen: `${k.module} nested=${k.nested}: guests may run their own KVM guests` }
    : {
        id: 'kvm-nested',
        title: 'nested KVM',
        status: 'warn',
        seen: `${k.module} nested=${k.nested}: guests that are hypervisors themselves (CloudStack or OpenStack hosts) fall back to TCG inside`,
        fix: `echo "options ${k.module} nested=1" > /etc/modprobe.d/kvm-nested.conf, then reload ${k.module} with no VM running (modprobe -r ${k.module} && modprobe ${k.module})`,
      };
}

function iptablesCheck(f: ProbeFacts): Check {
  const t = f.iptables;
  const title = 'iptables backend';
  if (!t.backend) return { id: 'iptables', title, status: 'fail', seen: 'iptables is not on PATH', fix: 'apt install iptables' };
  const mixed = (t.legacyRules ?? 0) > 0 && (t.nftRules ?? 0) > 0;
  if (mixed)
    return {
      id: 'iptables',
      title,
      status: 'warn',
      seen: `iptables is ${t.backend}, and rules exist in both backends (legacy ${t.legacyRules}, nf_tables ${t.nftRules}): the kernel applies both sets, and vlab writes only to ${t.backend}`,
      fix: `move the other tool's rules to ${t.backend} (or switch with update-alternatives --config iptables), so one set is in force`,
    };
  return {
    id: 'iptables',
    title,
    status: 'ok',
    seen: `${t.backend}${t.legacyRules !== undefined || t.nftRules !== undefined ? ` (rules: legacy ${t.legacyRules ?? '-'}, nf_tables ${t.nftRules ?? '-'})` : ''}`,
  };
}

function toolsCheck(f: ProbeFacts): Check {
  const missing = (names: string[]) => names.filter((n) => !f.tools[n]);
  const req = missing(REQUIRED);
  const direct = missing(DIRECT);
  const other = missing(['guestfish', 'xorriso']);
  const have = Object.entries(f.tools)
    .filter(([, p]) => p)
    .map(([n]) => n);
  if (req.length)
    return {
      id: 'tools',
      title: 'tools',
      status: 'fail',
      seen: `missing: ${req.join(', ')}`,
      fix: 'bash scripts/bootstrap.sh installs them (Debian packages: libvirt-clients, qemu-utils, iproute2, iptables, openssh-client, iputils-ping)',
    };
  if (direct.length || other.length)
    return {
      id: 'tools',
      title: 'tools',
      status: 'warn',
      seen: [
        direct.length ? `missing ${direct.join(', ')}: guest disks go through the libguestfs appliance (10-30 s instead of milliseconds)` : '',
        other.includes('guestfish') ? 'missing guestfish: images whose root is not plain ext2/3/4 (XFS, LVM) cannot be configured' : '',
        other.includes('xorriso') ? 'missing xorriso: cloud-init guests (seed ISO) cannot be configured' : '',
      ]
        .filter(Boolean)
        .join('; '),
      fix: 'apt install qemu-utils e2fsprogs libguestfs-tools xorriso',
    };
  return { id: 'tools', title: 'tools', status: 'ok', seen: have.join(', ') };
}

function stateRootCheck(f: ProbeFacts): Check {
  const title = 'state root for the qemu user';
  const blocked = f.stateRoot.chain.find((d) => !canTraverse(d, f.qemuUser));
  if (!blocked) return { id: 'state-root', title, status: 'ok', seen: `${f.qemuUser.name} can reach ${f.stateRoot.path}` };
  return {
    id: 'state-root',
    title,
    status: 'fail',
    seen: `${f.qemuUser.name} cannot enter ${blocked.dir} (mode ${mode(blocked.mode)}, owner ${blocked.uid}:${blocked.gid}), on the way to ${f.stateRoot.path}: guests fail to start with "Cannot access storage file ... Permission denied"`,
    fix: `chmod o+x ${blocked.dir}, or set VLAB_STATE_DIR to a folder ${f.qemuUser.name} can reach`,
  };
}

/** The lab file's needs against the host: memory, disk, images. */
export function labChecks(n: LabNeeds, f: ProbeFacts): Check[] {
  const out: Check[] = [];
  const mem = f.memAvailableBytes;
  if (mem !== undefined) {
    const need = n.memoryMiB * MiB;
    out.push(
      need <= mem
        ? { id: 'lab-memory', title: `lab ${n.lab}: memory`, status: 'ok', seen: `${n.guests} guests need ${n.memoryMiB} MiB; ${gib(mem)} available` }
        : {
            id: 'lab-memory',
            title: `lab ${n.lab}: memory`,
            status: 'fail',
            seen: `${n.guests} guests need ${n.memoryMiB} MiB, only ${(mem / MiB).toFixed(0)} MiB available`,
            fix: "lower the guests' memory: in the lab file, stop other labs, or spread the lab over more hosts",
          },
    );
  }
  const free = f.stateRoot.freeBytes;
  if (free !== undefined)
    out.push(
      n.diskBytes <= free
        ? { id: 'lab-disk', title: `lab ${n.lab}: disk`, status: 'ok', seen: `about ${gib(n.diskBytes)} for overlays and the ready checkpoint; ${gib(free)} free` }
        : {
            id: 'lab-disk',
            title: `lab ${n.lab}: disk`,
            status: 'fail',
            seen: `about ${gib(n.diskBytes)} needed for overlays and the ready checkpoint (each guest's memory), ${gib(free)} free under ${f.stateRoot.path}`,
            fix: 'free space, set VLAB_STATE_DIR to a bigger filesystem, or `up --no-checkpoint` (no saved memory)',
          },
    );
  for (const i of n.images) {
    if (i.problem) out.push({ id: `image:${i.name}`, title: `image ${i.name}`, status: 'fail', seen: i.problem, fix: '`vlab validate` says how to fix it' });
    else if (i.readable === false)
      out.push({
        id: `image:${i.name}`,
        title: `image ${i.name}`,
        status: 'fail',
        seen: `${i.disk}: ${f.qemuUser.name} cannot read it or reach its folder`,
        fix: `chmod o+r the file and o+x its folders, or move the image where ${f.qemuUser.name} can read it`,
      });
    else out.push({ id: `image:${i.name}`, title: `image ${i.name}`, status: 'ok', seen: `${i.disk} (${i.format})` });
  }
  return out;
}

/** The worst status of a set of checks (ok when there are none). */
export function worst(checks: Pick<Check, 'status'>[]): CheckStatus {
  return checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'warn') ? 'warn' : 'ok';
}
