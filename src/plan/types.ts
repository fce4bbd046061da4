/** The plan is data: an ordered list of actions with dependencies, and the conflicts that block it. */
import type { GuestFile } from '../render/files.js';

export type ActionKind =
  | 'bridge.create'
  | 'bridge.address'
  | 'sysctl.forward'
  | 'iptables.rule'
  | 'libvirt.network'
  | 'disk.overlay'
  | 'guest.config'
  | 'domain.define'
  | 'domain.start'
  | 'guest.ready';

export interface IptablesRule {
  table: 'nat' | 'filter';
  chain: string;
  /** `append` or `insert` (at the top). */
  position: 'append' | 'insert';
  /** Rule spec as argv, including the `-m comment --comment vlab:LAB` tag. */
  spec: string[];
}

/** What each action kind needs to run; the journal stores it so `down` can undo without the lab file. */
export type ActionDetails =
  | { kind: 'bridge.create'; bridge: string; alias: string }
  | { kind: 'bridge.address'; bridge: string; cidr: string }
  | { kind: 'sysctl.forward'; key: string; value: string; previous: string }
  | { kind: 'iptables.rule'; rule: IptablesRule; why: string; /** Whether the table existed before up (if not, down removes it once empty). */ tableExisted: boolean }
  | { kind: 'libvirt.network'; name: string; xml: string }
  | { kind: 'disk.overlay'; base: string; overlay: string }
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
    }
  | { kind: 'domain.define'; name: string; xml: string; consoleLog: string }
  | { kind: 'domain.start'; name: string }
  | { kind: 'guest.ready'; guest: string; domain: string; interfaces: { mac: string; address?: string; prefix?: number }[] };

export interface Action {
  /** Stable id, e.g. `bridge.create:isolationbr`. */
  id: string;
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
