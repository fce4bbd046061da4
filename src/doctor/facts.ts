/**
 * What `vlab doctor` reads off the host (src/host/probe.ts fills it in), as plain data: the pure
 * checks (checks.ts) turn it into verdicts, so every verdict is testable against a fixture.
 */
import type { AccelFacts } from '../plan/facts.js';

export interface ProbeFacts {
  /** The libvirt URI vlab talks to. */
  uri: string;
  libvirt: { answers: boolean; version?: string; error?: string };
  /** qemu-system-x86_64 on PATH, and the machine types it offers (`-machine help`). */
  qemu: { binary?: string; machines: string[] };
  kvm: {
    /** What vlab's accel detection concluded (the same function `up` uses). */
    accel: AccelFacts;
    /** /dev/kvm: absent, or its mode and group. */
    dev?: { mode: number; uid: number; gid: number; group: string };
    /** CPU virtualisation flag in /proc/cpuinfo. */
    cpuFlag?: 'vmx' | 'svm';
    /** The kvm vendor module loaded, and its `nested` parameter (Y/N/1/0). */
    module?: 'kvm_intel' | 'kvm_amd';
    nested?: string;
  };
  /** The user qemu runs as (libvirt's qemu.conf `user`, Debian's default libvirt-qemu): uid, gids, group names. */
  qemuUser: { name: string; uid?: number; gids: number[]; groups: string[] };
  iptables: {
    /** `iptables -V`: `nf_tables` or `legacy`; undefined when iptables is missing. */
    backend?: 'nf_tables' | 'legacy';
    /** Rules (-A lines) each backend holds, when its save tool exists. */
    legacyRules?: number;
    nftRules?: number;
    /** filter FORWARD policy. */
    forwardPolicy?: string;
    /** Chains named DOCKER* exist (Docker manages this host's firewall). */
    docker: boolean;
    /** Chains named ufw-* exist. */
    ufwChains: boolean;
  };
  firewalldRunning: boolean;
  /** /etc/ufw/ufw.conf says ENABLED=yes. */
  ufwEnabled: boolean;
  brNetfilter: { loaded: boolean; callIptables?: string };
  /** Each tool vlab uses: its path on PATH, or null. */
  tools: Record<string, string | null>;
  stateRoot: {
    path: string;
    /** Each existing folder from / down to the state root, with its mode and owner. */
    chain: { dir: string; mode: number; uid: number; gid: number }[];
    /** Bytes free for unprivileged use on the filesystem of the state root (its nearest existing folder). */
    freeBytes?: number;
  };
  /** /proc/meminfo MemAvailable, in bytes. */
  memAvailableBytes?: number;
  /** Multi-host labs only: the vxlan module is loaded (/sys/module/vxlan), else modinfo's file for it (or `(builtin)`), else why not. */
  vxlan?: { loaded: boolean; module?: string; modinfoError?: string };
  /** Multi-host labs only: each link's MTU (`ip -j link show`). */
  linkMtu?: Record<string, number>;
}

/** Multi-host labs: what the checks of one lab host need beside its ProbeFacts. */
export interface LabHostFacts {
  /** The lab file's name for the host. */
  name: string;
  /** The host's VXLAN endpoint address (the lab file's `underlay`, or its SSH address). */
  underlay?: string;
  /** The lab's networks stretched over this host and others (VXLAN). */
  stretched: string[];
  /** vxlan.mtu: the guests' MTU on stretched networks. */
  vxlanMtu: number;
  /** The host's IPv4 addresses (`ip -j -4 addr`), as interface + a.b.c.d/len. */
  addresses: { ifname: string; cidr: string }[];
}

/** What the lab file given with -f needs, next to what the host has. */
export interface LabNeeds {
  lab: string;
  guests: number;
  /** Sum of the guests' memory, in MiB. */
  memoryMiB: number;
  /** Disk the lab's state may take: overlay growth plus the `ready` checkpoint's memory, in bytes (an estimate). */
  diskBytes: number;
  /** Each image: its disk, format (or problem) and whether the qemu user can read it. */
  images: { name: string; disk?: string; format?: string; problem?: string; readable?: boolean; freeBytes?: number }[];
}
