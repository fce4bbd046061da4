/**
 * Which network stack a guest image uses, from which paths exist in it, and where its root
 * filesystem is among libguestfs' devices. Pure: the disk readers (direct and libguestfs) probe
 * the paths and call these.
 */
import type { DetectedStack } from './types.js';

/** Paths whose existence tells the stacks apart, checked in every image asked about. */
export const STACK_PROBES = [
  '/usr/sbin/NetworkManager',
  '/usr/bin/NetworkManager',
  '/etc/systemd/system/multi-user.target.wants/NetworkManager.service',
  '/etc/systemd/system/multi-user.target.wants/systemd-networkd.service',
  '/etc/network/interfaces',
  '/sbin/ifup',
  '/usr/sbin/ifup',
  '/etc/sysconfig/network-scripts',
  '/etc/cloud/cloud.cfg',
  '/usr/bin/cloud-init',
] as const;

/**
 * Decides the stack from what exists in the image. First match wins: netplan, NetworkManager
 * (binary and enabled unit), systemd-networkd (enabled), ifupdown (interfaces file or an ifup,
 * busybox's counts), ifcfg, cloud-init. Undefined when nothing matched.
 */
export function decideStack(exists: (p: string) => boolean, netplanFiles: string[]): DetectedStack | undefined {
  const nmBin = ['/usr/sbin/NetworkManager', '/usr/bin/NetworkManager'].filter(exists);
  const nmUnit = '/etc/systemd/system/multi-user.target.wants/NetworkManager.service';
  const networkd = '/etc/systemd/system/multi-user.target.wants/systemd-networkd.service';
  const ifupdown = ['/etc/network/interfaces', '/sbin/ifup', '/usr/sbin/ifup'].filter(exists);
  const ifcfg = '/etc/sysconfig/network-scripts';
  const cloud = ['/etc/cloud/cloud.cfg', '/usr/bin/cloud-init'];
  if (netplanFiles.length) return { stack: 'netplan', evidence: [...netplanFiles] };
  if (nmBin.length && exists(nmUnit)) return { stack: 'networkmanager', evidence: [...nmBin, nmUnit] };
  if (exists(networkd)) return { stack: 'networkd', evidence: [networkd] };
  if (ifupdown.length) return { stack: 'ifupdown', evidence: ifupdown };
  if (exists(ifcfg)) return { stack: 'ifcfg', evidence: [ifcfg] };
  if (cloud.every(exists)) return { stack: 'cloud-init', evidence: cloud };
  return undefined;
}

/** Parses `list-filesystems` output (`/dev/sda1: ext4` lines). */
export function parseFilesystems(out: string): { device: string; type: string }[] {
  return out
    .split('\n')
    .map((l) => /^(\S+): (\S+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ device: m[1]!, type: m[2]! }));
}

const ROOT_FS_TYPES = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'f2fs', 'jfs', 'reiserfs']);

/**
 * Filesystems on `device` (the device itself, or its partitions) that could hold a root
 * filesystem, whole device first, then partitions in number order.
 */
export function rootCandidates(device: string, filesystems: { device: string; type: string }[]): string[] {
  const partNo = (d: string): number | undefined => {
    if (d === device) return 0;
    const m = new RegExp(`^${device.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}p?(\\d+)$`).exec(d);
    return m ? Number(m[1]) : undefined;
  };
  return filesystems
    .filter((f) => ROOT_FS_TYPES.has(f.type) && partNo(f.device) !== undefined)
    .sort((a, b) => partNo(a.device)! - partNo(b.device)!)
    .map((f) => f.device);
}

/** The whole-disk device a root from `inspect-os` lives on (`/dev/sdb2` → `/dev/sdb`; `btrfsvol:/dev/sda4/root` → `/dev/sda`). */
export function deviceOfRoot(root: string): string | undefined {
  const m = /^(?:btrfsvol:)?(\/dev\/(?:sd[a-z]+|vd[a-z]+|hd[a-z]+))\d*(?:\/.*)?$/.exec(root);
  return m?.[1];
}
