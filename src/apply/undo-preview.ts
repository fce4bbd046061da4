/**
 * `down --dry-run`: what undoing each journal entry would do, in down's order, as plan actions
 * (so it prints like `vlab plan`). From the journal alone: nothing is read or changed. Pure.
 */
import type { Action, Plan } from '../plan/types.js';
import type { JournalEntry, LabState } from '../state/store.js';
import { undoOrder } from './down.js';

/** One line saying what undoing `e` does. */
export function undoDescription(e: JournalEntry, opts: { forwardingNeededElsewhere: boolean }): string {
  const d = e.details;
  switch (d.kind) {
    case 'domain.start':
      return `stop domain ${d.name}`;
    case 'domain.define':
      return `undefine domain ${d.name} (its console log goes with the state dir)`;
    case 'snapshot':
      return `delete snapshot ${d.name} of ${d.guests.map((g) => g.guest).join(', ')}`;
    case 'disk.overlay':
    case 'disk.top':
      return `remove disk ${d.overlay}`;
    case 'libvirt.network':
      return `stop and undefine libvirt network ${d.name}`;
    case 'iptables.rule':
      return `iptables -t ${d.rule.table} -D ${d.rule.chain} ${d.rule.spec.join(' ')}${d.tableExisted === false ? ` (then table ${d.rule.table}, made by this lab, when empty)` : ''}`;
    case 'sysctl.forward':
      if (d.previous === d.value) return `${d.key}: was ${d.value} before up, left as is`;
      return opts.forwardingNeededElsewhere ? `${d.key}: left at ${d.value} (another vlab lab needs it)` : `${d.key}: back to ${d.previous}`;
    case 'bridge.address':
      return `address ${d.cidr} on ${d.bridge} (goes with the bridge)`;
    case 'uplink.attach':
      return `move ${d.uplink}'s addresses and routes back from ${d.bridge}`;
    case 'bridge.create':
      return `delete bridge ${d.bridge} (tagged ${d.alias})`;
    case 'vxlan.create':
      return `delete VXLAN ${d.name} (tagged ${d.alias})${d.moduleLoaded ? '' : '; the kernel module vxlan stays loaded'}`;
    case 'disk.copy':
      return `remove the copies of ${d.guest}'s files (${d.files.join(', ')}); the image copies (${[d.base, ...(d.boot ?? [])].map((c) => c.to).join(', ')}) stay in the host's image cache`;
    case 'guest.config':
      return d.seedIso ? `remove seed ISO ${d.seedIso}` : `the configuration written into ${d.guest}'s disk (goes with the disk)`;
    case 'guest.ready':
      return `${d.guest} was ready: nothing to undo`;
    case 'ssh.keys':
      return `remove SSH keys ${d.dir}`;
    case 'persist.file':
      return d.link ? `remove symlink ${d.path}` : `remove ${d.path}${d.createdDirs?.length ? ` (and ${d.createdDirs.join(', ')} when empty)` : ''}`;
    case 'persist.autostart':
      return `unmark libvirt ${d.object} ${d.name} autostart`;
  }
}

/** The journal's undo steps as a plan: one action per entry, each after the one before. */
export function undoPlan(state: LabState, stateDir: string, opts: { forwardingNeededElsewhere: boolean }): Plan {
  let previous: string | undefined;
  const actions: Action[] = undoOrder(state.entries).map((e) => {
    const a: Action = {
      id: e.id,
      kind: e.kind,
      ...(e.host ? { host: e.host } : {}),
      target: e.target,
      description: (e.host ? `on host ${e.host}: ` : '') + undoDescription(e, opts) + (e.status === 'pending' ? ' (recorded, maybe never made)' : ''),
      dependsOn: previous ? [previous] : [],
      satisfied: false,
      details: e.details,
    };
    previous = e.id;
    return a;
  });
  return { lab: state.lab, stateDir, accel: state.accel, actions, conflicts: [], notes: [`then the state dir ${stateDir} is removed`] };
}
