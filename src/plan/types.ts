/** The plan is data: an ordered list of actions with dependencies, and the conflicts that block it. */
import type { GuestFile } from '../render/files.js';
import type { DiskRoute } from './image-facts.js';

export type ActionKind =
  | 'bridge.create'
  | 'bridge.address'
  | 'uplink.attach'
  | 'sysctl.forward'
  | 'iptables.rule'
  | 'libvirt.network'
  | 'vxlan.create'
  | 'disk.overlay'
  | 'disk.copy'
  | 'disk.top'
  | 'ssh.keys'
  | 'guest.config'
  | 'domain.define'
  | 'domain.start'
  | 'guest.ready'
  | 'persist.file'
  | 'persist.autostart'
  | 'snapshot';

export interface IptablesRule {
  table: 'nat' | 'filter';
  chain: string;
  /** `append` or `insert` (at the top). */
  position: 'append' | 'insert';
  /** Rule spec as argv, including the `-m comment --comment vlab:LAB` tag. */
  spec: string[];
}

/** A slot in a planned file: what fills it, and which action makes those bytes. */
export interface PlanSlot {
  name: string;
  /** The id of the action that makes the bytes (e.g. ssh.keys:LAB). */
  from: string;
  /** What the bytes are, for people. */
  what: string;
}

/** A guest of a lab snapshot: its domain, and the lab's guest spec at the time (to refuse a snapshot of a changed lab). */
export interface SnapshotGuest {
  guest: string;
  domain: string;
}

/** What each action kind needs to run; the journal stores it so `down` can undo without the lab file. */
export type ActionDetails =
  | { kind: 'bridge.create'; bridge: string; alias: string }
  | { kind: 'bridge.address'; bridge: string; cidr: string }
  | {
      kind: 'uplink.attach';
      bridge: string;
      uplink: string;
      /** The uplink's MAC, given to the bridge. */
      mac?: string;
      /** `ip -batch` lines: NIC → bridge, and the exact way back. */
      attach: string[];
      detach: string[];
      /** Address that must answer after the move, else vlab rolls back. */
      check?: string;
    }
  | { kind: 'sysctl.forward'; key: string; value: string; previous: string }
  | { kind: 'iptables.rule'; rule: IptablesRule; why: string; /** Whether the table existed before up (if not, down removes it once empty). */ tableExisted: boolean }
  | { kind: 'libvirt.network'; name: string; xml: string }
  | {
      /** Multi-host labs: the VXLAN link that joins this host's bridge of a network to the same bridge on the other hosts. */
      kind: 'vxlan.create';
      name: string;
      vni: number;
      /** This host's underlay address (the tunnel's source). */
      local: string;
      dstport: number;
      bridge: string;
      alias: string;
      mtu: number;
      /** The other hosts' underlay addresses: one all-zeros fdb entry each (head-end replication, no multicast). */
      peers: string[];
      /** Whether the kernel's vxlan module was loaded before (if not, creating the link loads it, and it stays). */
      moduleLoaded: boolean;
    }
  | {
      /**
       * Multi-host labs: a guest's files, made on the controller, copied to the host it runs on at
       * the same paths (checksums compared); its configured layer is then rebased onto that host's
       * copy of the base image, which is copied once (checksum verified) when the host lacks it.
       */
      kind: 'disk.copy';
      guest: string;
      /** Files of the lab's state dir copied at the same absolute path: the configured layer, a seed ISO. */
      files: string[];
      /** The configured layer among them. */
      layer: string;
      /** The base image on the controller, and where the host keeps its copy (in its image cache; never removed by down). */
      base: { from: string; to: string };
      /** The kernel and initrd the domain boots, copied like the base into the host's image cache. */
      boot?: { from: string; to: string }[];
    }
  | { kind: 'disk.overlay'; base: string; overlay: string }
  | {
      /** The guest's running disk over its configured layer; `reset --cold` replaces it with a fresh one. */
      kind: 'disk.top';
      /** The configured layer (`disk.overlay` of the guest), frozen once the guest's configuration is written. */
      base: string;
      overlay: string;
    }
  | {
      /** The lab's SSH keys (state dir): a client key, a host key per guest, known_hosts pinning them. */
      kind: 'ssh.keys';
      dir: string;
      clientKey: string;
      knownHosts: string;
      guests: SshGuest[];
    }
  | {
      kind: 'guest.config';
      guest: string;
      disk: string;
      stack: string;
      stackSource: string;
      detect: boolean;
      /** 'disk': written into the overlay; 'seed-iso': a NoCloud ISO at seedIso, the disk untouched. */
      target: 'disk' | 'seed-iso';
      files: GuestFile[];
      remove: string[];
      links: { path: string; target: string }[];
      seedIso?: string;
      /** How the overlay is written (target 'disk'): directly, or through the libguestfs appliance, and why. */
      route?: DiskRoute;
      /** The slots in `files` (src/render/slots.ts): bytes an earlier action makes, filled in at apply. */
      slots?: PlanSlot[];
    }
  | { kind: 'domain.define'; name: string; xml: string; consoleLog: string }
  | { kind: 'domain.start'; name: string }
  | { kind: 'guest.ready'; guest: string; domain: string; interfaces: { mac: string; address?: string; prefix?: number; unconfigured?: true }[] }
  | {
      /** A whole-lab snapshot (`vlab snapshot save`, and `up`'s `ready` checkpoint): one internal snapshot (RAM and disk) per guest, inside its overlay. */
      kind: 'snapshot';
      name: string;
      guests: SnapshotGuest[];
      /** When it was taken (ISO time). */
      takenAt: string;
    }
  | {
      /** A host file that brings the lab back after a reboot (`vlab persist`): a systemd unit, an interfaces.d file, a rules file. */
      kind: 'persist.file';
      /** Absolute path on the host. */
      path: string;
      /** The whole file; its first line is vlab's marker header (undo removes only a file that still starts with it). */
      content: string;
      /** File mode, e.g. 0o644. */
      mode: number;
      /** When set, the file is a symlink to this path (content is ''); undo removes it only while it still points there. */
      link?: string;
      /** Directories that did not exist and were created for this file; undo removes them when empty. */
      createdDirs?: string[];
    }
  | {
      /** libvirtd starts this network or domain when it starts (`virsh net-autostart` / `virsh autostart`). */
      kind: 'persist.autostart';
      object: 'network' | 'domain';
      name: string;
    };

/** A guest vlab reaches over SSH (exec: ssh, or auto when the agent does not answer). */
export interface SshGuest {
  guest: string;
  /** libvirt domain name (what the exec transports are asked about). */
  domain: string;
  mode: 'ssh' | 'auto';
  /** The static address SSH connects to. */
  address: string;
  /** The guest's host key (private; `.pub` beside it), in the state dir. */
  hostKey: string;
  /** Name the host key is pinned under in known_hosts. */
  alias: string;
}

export interface Action {
  /** Stable id, e.g. `bridge.create:isolationbr` (`HOST/…` for an action on a remote host of a multi-host lab). */
  id: string;
  /** Multi-host labs: the remote host (a key of `hosts:`) this action runs on; absent: this machine. */
  host?: string;
  kind: ActionKind;
  /** The object changed: a bridge, a rule, a file, a domain. */
  target: string;
  /** One line for people. */
  description: string;
  /** Ids of actions that must finish first; actions with no path between them may run in parallel. */
  dependsOn: string[];
  /** The host already has it: nothing to do (and nothing to undo at `down`). */
  satisfied: boolean;
  details: ActionDetails;
}

export interface Conflict {
  /** Short machine-readable kind, e.g. `cidr-overlap`, `bridge-taken`. */
  kind: string;
  message: string;
  hint: string;
}

export interface Plan {
  lab: string;
  stateDir: string;
  accel: 'kvm' | 'tcg';
  actions: Action[];
  conflicts: Conflict[];
  /** Things worth knowing that do not block (e.g. FORWARD policy DROP handled by accept rules). */
  notes: string[];
}
