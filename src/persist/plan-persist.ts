/**
 * `vlab persist`: the actions that make a lab come back after a reboot, from its recorded state
 * (the lab as applied and its journal). Each is journaled like any other change, so `down` and
 * `unpersist` remove it through the normal undo path. Pure: the caller passes in what it read
 * from the host (which directories are missing).
 */
import path from 'node:path';
import type { Action, IptablesRule } from '../plan/types.js';
import type { LabState } from '../state/store.js';
import { renderUnit, unitPath, unitWantsLink, type UnitInput } from './render-unit.js';
import { ifupdownBridges, interfacesPath, renderIfupdown } from './render-ifupdown.js';
import { renderRules, rulesPath } from './render-rules.js';

export type PersistMode = 'systemd' | 'ifupdown';
export const PERSIST_MODES: readonly PersistMode[] = ['systemd', 'ifupdown'];

export function isPersistMode(s: string): s is PersistMode {
  return (PERSIST_MODES as readonly string[]).includes(s);
}

export interface PersistInput {
  /** For the systemd unit's command line and environment. */
  node: string;
  vlabJs: string;
  stateRoot: string;
  uri: string;
  /** Directories the files need that do not exist yet (the files' actions create them, and undo removes them when empty). */
  missingDirs: string[];
}

export interface PersistPlan {
  mode: PersistMode;
  actions: Action[];
  /** Things worth knowing (e.g. what this mode does not restore). */
  notes: string[];
}

/** The directories the files of `mode` live in (so the caller can say which are missing). */
export function persistDirs(lab: string, mode: PersistMode): string[] {
  return mode === 'systemd'
    ? [path.posix.dirname(unitPath(lab)), path.posix.dirname(unitWantsLink(lab))]
    : [path.posix.dirname(interfacesPath(lab)), path.posix.dirname(rulesPath(lab))];
}

type StateView = Pick<LabState, 'lab' | 'spec' | 'entries'>;

/** The lab's iptables rules from its journal, in journal order. */
export function journalRules(state: StateView): IptablesRule[] {
  return state.entries.flatMap((e) => (e.details.kind === 'iptables.rule' ? [e.details.rule] : []));
}

export function planPersist(state: StateView, mode: PersistMode, input: PersistInput): PersistPlan {
  const lab = state.lab;
  const actions: Action[] = [];
  const notes: string[] = [];
  const claimed = new Set<string>();
  /** Missing ancestors of `dir` (shallowest first), each given to the first file that needs it. */
  const dirsFor = (file: string): string[] => {
    const dir = path.posix.dirname(file);
    const mine = input.missingDirs.filter((d) => (dir === d || dir.startsWith(d + '/')) && !claimed.has(d)).sort((a, b) => a.length - b.length);
    mine.forEach((d) => claimed.add(d));
    return mine;
  };
  const file = (p: string, content: string, mode: number, why: string, dependsOn: string[] = [], link?: string): string => {
    const id = `persist.file:${p}`;
    const createdDirs = dirsFor(p);
    actions.push({
      id,
      kind: 'persist.file',
      target: p,
      description: link ? `symlink ${p} -> ${link} (${why})` : `write ${p} (mode ${mode.toString(8)}; ${why})`,
      dependsOn,
      satisfied: false,
      details: { kind: 'persist.file', path: p, content, mode, ...(link ? { link } : {}), ...(createdDirs.length ? { createdDirs } : {}) },
    });
    return id;
  };
  const autostart = (object: 'network' | 'domain', name: string, dependsOn: string[]) => {
    actions.push({
      id: `persist.autostart:${object}:${name}`,
      kind: 'persist.autostart',
      target: name,
      description: `mark libvirt ${object} ${name} autostart (${object === 'network' ? 'virsh net-autostart' : 'virsh autostart'})`,
      dependsOn,
      satisfied: false,
      details: { kind: 'persist.autostart', object, name },
    });
  };
  const networks = state.entries.flatMap((e) => (e.details.kind === 'libvirt.network' ? [e.details.name] : []));
  const domains = state.entries.flatMap((e) => (e.details.kind === 'domain.define' ? [e.details.name] : []));

  if (mode === 'systemd') {
    const unit: UnitInput = { lab, node: input.node, vlabJs: input.vlabJs, stateRoot: input.stateRoot, uri: input.uri };
    const u = file(unitPath(lab), renderUnit(unit), 0o644, '`vlab restore` at boot');
    file(unitWantsLink(lab), '', 0o777, 'enables the unit for multi-user.target', [u], `../${path.posix.basename(unitPath(lab))}`);
    for (const n of networks) autostart('network', n, []);
    notes.push(
      `at boot, ${path.posix.basename(unitPath(lab))} runs \`vlab restore ${lab}\` after libvirtd: bridges, addresses, rules, ip_forward, libvirt networks and guests come back`,
      'guests are started by vlab restore, not marked autostart: libvirtd starts before the unit and would try to boot them before their bridges exist',
    );
    const uplinks = state.spec.networks.filter((n) => n.uplink);
    if (uplinks.length)
      notes.push(
        `bridged uplinks ${uplinks.map((n) => `${n.bridge} (${n.uplink})`).join(', ')}: vlab restore moves the NIC into the bridge again at boot, with the same check and rollback as up; a DHCP client or network manager owning the NIC may undo it (docs/uplink.md)`,
      );
  } else {
    const rules = journalRules(state);
    const ids: string[] = [];
    if (rules.length) ids.push(file(rulesPath(lab), renderRules(lab, rules), 0o644, "the lab's tagged rules for iptables-restore --noflush"));
    ids.push(
      file(
        interfacesPath(lab),
        renderIfupdown({ lab, networks: state.spec.networks, ...(rules.length ? { rulesFile: rulesPath(lab) } : {}) }),
        0o644,
        `ifupdown stanzas for ${ifupdownBridges(state.spec.networks).join(', ') || 'no bridge'}`,
        [...ids],
      ),
    );
    for (const n of networks) autostart('network', n, []);
    for (const d of domains) autostart('domain', d, []);
    notes.push(
      `at boot, networking.service (\`ifup -a\`) brings back ${ifupdownBridges(state.spec.networks).join(', ')} with addresses, rules and ip_forward; libvirtd then autostarts the libvirt networks and guests (nothing waits for the guests to be ready)`,
    );
    const uplinks = state.spec.networks.filter((n) => n.uplink);
    if (uplinks.length)
      notes.push(
        `bridged uplinks are out of scope for the ifupdown mode: ${uplinks.map((n) => `${n.bridge} (${n.uplink})`).join(', ')} will not come back at boot; use --mode systemd`,
      );
  }
  return { mode, actions, notes };
}
