/**
 * Read-only facts about the host, gathered by adapters (src/host/facts.ts) and handed to the pure
 * planner. Nothing here is fetched lazily: the planner sees a snapshot.
 */
import type { ImageInfo } from '../spec/types.js';
import type { ImageInspection, ImageKernel } from './image-facts.js';

export interface LinkFact {
  name: string;
  /** `bridge`, `veth`, `bond`, ... (ip -d link's linkinfo.info_kind); undefined for plain NICs. */
  kind?: string;
  /** Bridge or bond this link is enslaved to. */
  master?: string;
  /** Interface alias (`ip link set X alias ...`); vlab tags its bridges with `vlab:<lab>`. */
  alias?: string;
  up: boolean;
  mac?: string;
  /** True for wireless NICs (/sys/class/net/X/wireless exists). */
  wireless?: boolean;
}

export interface AddressFact {
  ifname: string;
  /** IPv4 `address/prefix`. */
  cidr: string;
  /** Broadcast address, when the address has one (restored exactly when an uplink moves back). */
  broadcast?: string;
  /** `global`, `link`, `host`. */
  scope?: string;
  /** Address label, when it differs from the interface name. */
  label?: string;
}

export interface RouteFact {
  /** `default` or `a.b.c.d/len`. */
  dst: string;
  dev: string;
  gateway?: string;
  /** `kernel`, `boot`, `dhcp`, `static`... */
  protocol?: string;
  scope?: string;
  metric?: number;
  prefsrc?: string;
}

export interface IptablesFacts {
  /** Whether iptables could be read at all. */
  available: boolean;
  /** `iptables -S` style rule specs of the nat table's POSTROUTING chain, e.g. `-A POSTROUTING -s ... -j MASQUERADE`. */
  natPostrouting: string[];
  /** `iptables -S FORWARD` rule specs of the filter table. */
  forward: string[];
  /** Policy of filter FORWARD: ACCEPT or DROP. */
  forwardPolicy: string;
  /** Tables that exist now (`iptables-save` headers): a table vlab brings into being is removed at down. */
  tables?: string[];
}

export interface LibvirtObjectFact {
  name: string;
  active: boolean;
  /** Lab name from vlab's <metadata> element, when the object is vlab's. */
  owner?: string;
}

export interface LibvirtFacts {
  /** Whether libvirtd answered at all. */
  available: boolean;
  error?: string;
  networks: LibvirtObjectFact[];
  domains: LibvirtObjectFact[];
}

export interface AccelFacts {
  /** Whether KVM is usable for ordinary guests. */
  kvm: boolean;
  /** Why (e.g. "/dev/kvm missing", "kvm_pvm module loaded: KVM belongs to a PVM hypervisor"). */
  reason: string;
}

/** A problem found while resolving an image reference (missing file, not qcow2, bad image.yaml). */
export interface ImageProblem {
  name: string;
  message: string;
  hint?: string;
}

/** Another lab known to this host (from the state dir). */
export interface OtherLabFact {
  name: string;
  cidrs: string[];
  bridges: string[];
  /** Whether that lab turned ip_forward on. */
  needsForwarding: boolean;
  /** The ip_forward value that lab recorded as "before" (`0` when vlab turned it on). */
  forwardPrevious?: string;
  /** iptables tables that lab brought into being (they go when the last lab using them is down). */
  createdTables?: string[];
}

export interface HostFacts {
  links: LinkFact[];
  addresses: AddressFact[];
  routes: RouteFact[];
  ipForward: boolean;
  iptables: IptablesFacts;
  libvirt: LibvirtFacts;
  accel: AccelFacts;
  images: Record<string, ImageInfo | ImageProblem>;
  /** What each base image's files show (by image name), read once per image identity and cached: route, stack, kernel. Absent: not inspected (cloud-init guests only, or a dry host). */
  imageFacts?: Record<string, ImageInspection | { error: string }>;
  /** For images some guest boots with `boot: kernel`: the kernel files copied into vlab's cache, or why there are none. */
  imageKernels?: Record<string, ImageKernel | { error: string }>;
  /** Domain XML templates by absolute path (the default one under "default"). */
  templates: Record<string, string>;
  otherLabs: OtherLabFact[];
  /** Absolute state dir of this lab, e.g. /var/lib/vlab/seed. */
  stateDir: string;
  /** Root of all labs' state (VLAB_STATE_DIR or /var/lib/vlab). */
  stateRoot: string;
  /** Absolute paths of the files already in this lab's state dir (overlays, logs). */
  stateFiles: string[];
  /** Address of the SSH client this vlab runs under (from SSH_CONNECTION), if any. */
  sshClient?: string;
  /** DHCP client daemons bound to uplink NICs (they move to the bridge with the NIC). */
  dhcpClients?: { ifname: string; argv: string[] }[];
  /** Whether the kernel's vxlan module is loaded (/sys/module/vxlan); absent: not asked (single-host labs). */
  vxlanLoaded?: boolean;
  /** Multi-host labs: the facts of each remote host, by its name in `hosts:` (read over SSH). */
  hosts?: Record<string, HostFacts>;
}

export function isImageProblem(x: ImageInfo | ImageProblem): x is ImageProblem {
  return 'message' in x;
}
