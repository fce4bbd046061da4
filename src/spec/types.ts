/**
 * The resolved lab model: what the loader produces from a valid lab file. Every default is
 * filled in, every reference checked. Pure data: no I/O anywhere in src/spec.
 */

export type NetconfigKind = 'auto' | 'ifupdown' | 'netplan' | 'networkd' | 'networkmanager' | 'ifcfg' | 'cloud-init';
export const NETCONFIG_KINDS: readonly NetconfigKind[] = ['auto', 'ifupdown', 'netplan', 'networkd', 'networkmanager', 'ifcfg', 'cloud-init'];
/** How vlab runs commands inside a guest. */
export type ExecTransport = 'auto' | 'agent' | 'ssh';
/** Hardware acceleration: `auto` picks kvm where it works and tcg elsewhere. */
export type Accel = 'auto' | 'kvm' | 'tcg';
/** How a guest boots: its disk's bootloader (`firmware`) or a kernel from the image's /boot (`kernel`). */
export type BootMode = 'firmware' | 'kernel';

export interface LabNetwork {
  name: string;
  /** Host bridge name (<= 15 chars). */
  bridge: string;
  /** Normalised IPv4 network, e.g. `172.16.0.0/16`; absent for a pure uplink bridge. */
  cidr?: string;
  prefix?: number;
  /** Host address on the bridge (the guests' gateway). */
  gateway?: string;
  /** Forwarding + MASQUERADE for traffic leaving the network. */
  nat: boolean;
  /** Physical NIC enslaved to the bridge (bridged uplink). */
  uplink?: string;
  /** Uplink only: address that must answer once the NIC is on the bridge (default: the host's default gateway). */
  uplinkCheck?: string;
  /** Multi-host labs: the hosts this network's bridge exists on (its guests' hosts and its gateway host), in `hosts:` order. */
  hosts?: string[];
  /** Multi-host labs: the host holding the gateway address, NAT and uplink. */
  gatewayHost?: string;
}

/** An SSH target: how the controller reaches a remote host. */
export interface LabSshTarget {
  host: string;
  user?: string;
  port?: number;
  /** Absolute path of the private key. */
  identity?: string;
  /** Absolute path of a known_hosts file pinning the host key. */
  knownHosts?: string;
}

/** A hypervisor of a multi-host lab. */
export interface LabHost {
  name: string;
  /** This machine (the controller). */
  local: boolean;
  /** The libvirt URI as the lab file gives it (remote: qemu+ssh://…). */
  uri?: string;
  /** libvirt URI to use ON that host (`qemu:///system` or `qemu:///session`). */
  libvirtUri: string;
  /** Remote hosts: the SSH target. */
  ssh?: LabSshTarget;
  /** The VXLAN endpoint address on the underlay. */
  underlay?: string;
}

export interface LabInterface {
  /** 0-based position among the guest's NICs. */
  index: number;
  network: string;
  /** Static IPv4 address; absent means DHCP, unless `unconfigured`. */
  address?: string;
  /**
   * `address: none` in the lab file: the NIC is attached and named, and its configuration keeps it
   * without any address (no DHCP, no IPv4, no IPv6 where the stack allows), overriding the image's
   * defaults. Never set together with `address` or `gateway`. See nicMode() in nic-mode.ts.
   */
  unconfigured?: true;
  /** Prefix length of the network (when the network has a cidr). */
  prefix?: number;
  /** Lower-case MAC address, fixed (given or derived deterministically). */
  mac: string;
  /** Name vlab pins to this MAC inside the guest: eth0, eth1, ... */
  ifname: string;
  /** Default gateway, set on the single interface that carries the default route. */
  gateway?: string;
  /** NIC MTU, set on networks that span hosts (vxlan.mtu). */
  mtu?: number;
}

export interface LabGuest {
  name: string;
  /** Key into Lab.images. */
  image: string;
  /** MiB. */
  memory: number;
  vcpus: number;
  netconfig: NetconfigKind;
  exec: ExecTransport;
  /** The lab file's `boot:`; absent: the image's `boot:`, else firmware. */
  boot?: BootMode;
  /** Absolute path of a domain XML template, when the guest names its own. */
  template?: string;
  /** Multi-host labs: the host it runs on (always set when the lab has hosts). */
  host?: string;
  interfaces: LabInterface[];
}

export interface LabImage {
  name: string;
  /** Absolute path: a folder holding image.yaml, or a .qcow2 file. */
  path: string;
}

export type CheckExpect = 'reachable' | 'unreachable';

export interface VerifyCheckSpec {
  from: string;
  /** A guest name, an IPv4 address, `gateway` or `external`. */
  to: string;
  expect: CheckExpect;
  count?: number;
}

export interface Lab {
  name: string;
  /** Absolute path of the lab file, and its folder (relative paths resolve against it). */
  file: string;
  dir: string;
  accel: Accel;
  networks: LabNetwork[];
  images: LabImage[];
  guests: LabGuest[];
  verify: { external: string[]; checks: VerifyCheckSpec[] };
  /** What `vlab test` simulates around the lab (absent: the defaults, see testWorld()). */
  test?: { outside?: string[]; lan?: 'dhcp' | 'none' };
  /** Multi-host labs: the hypervisors in order (absent: this machine only). */
  hosts?: LabHost[];
  /** Multi-host labs: how networks spanning hosts are stretched. */
  vxlan?: { dstport: number; mtu: number };
}

/** What an image folder's image.yaml (or a bare .qcow2) provides, resolved by an adapter. */
export interface ImageInfo {
  name: string;
  /** Absolute path of the base qcow2 disk (never written). */
  disk: string;
  /** From `qemu-img info`. */
  format: string;
  virtualSize: number;
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  netconfig?: Exclude<NetconfigKind, 'auto'>;
  exec?: Exclude<ExecTransport, 'auto'>;
  /** image.yaml's `boot:` (the default of the guests on this image). */
  boot?: BootMode;
}
