/**
 * `vlab down`: replays the journal in reverse. Works from the journal alone (the lab file may be
 * gone or edited), after a crash at any point of `up`, and when objects were removed by hand.
 */
import type { Host } from '../host/index.js';
import type { JournalEntry, LabState, StateStore } from '../state/store.js';
import type { Progress } from './progress.js';
import { undoEntry } from './undo-entry.js';
import { sweepOwned } from './sweep.js';

export interface DownReport {
  undone: string[];
  failed: { id: string; error: string }[];
}

/** Undo order: persistence first (nothing may bring the lab back meanwhile), then domains (stopped, their snapshots deleted, undefined), disks, libvirt networks, rules, forwarding, bridges (reverse of up). */
const ORDER = [
  'persist.file',
  'persist.autostart',
  'guest.ready',
  'domain.start',
  'snapshot',
  'domain.define',
  'guest.config',
  'ssh.keys',
  'disk.top',
  'disk.copy',
  'disk.overlay',
  'libvirt.network',
  'iptables.rule',
  'sysctl.forward',
  'bridge.address',
  'uplink.attach',
  'vxlan.create',
  'bridge.create',
];

/** The journal in the order down undoes it: reverse journal order, stably grouped by kind. */
export function undoOrder(entries: readonly JournalEntry[]): JournalEntry[] {
  return [...entries].reverse().sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

export async function applyDown(host: Host, store: StateStore, state: LabState, opts: { progress: Progress; forwardingNeededElsewhere: boolean }): Promise<DownReport> {
  const report: DownReport = { undone: [], failed: [] };
  // Reverse journal order, stably grouped by kind so that, whatever order parallel work finished
  // in, nothing is removed while something built on it still exists.
  const entries = undoOrder(state.entries);
  const ctx = {
    lab: state.lab,
    forwardingNeededElsewhere: opts.forwardingNeededElsewhere,
    stateDir: store.paths.dir,
    lastOfTable: (e: JournalEntry) =>
      e.details.kind === 'iptables.rule' &&
      !state.entries.some((x) => x.id !== e.id && x.details.kind === 'iptables.rule' && x.details.rule.table === (e.details as { rule: { table: string } }).rule.table),
  };
  opts.progress.phase(`Removing lab ${state.lab}`);
  if (!host.dryRun) {
    for (const p of host.processes.killStrayDiskHelpers(store.paths.disks)) report.undone.push(`stray libguestfs process ${p.pid} (from an interrupted up): killed`);
    report.undone.push(...(await host.processes.cleanupDiskExports(store.paths.disks)));
  }
  for (const group of ORDER) {
    const batch = entries.filter((e) => e.kind === group);
    // Domains go in parallel (destroying one takes a moment); the rest one by one, in order.
    const parallel = group.startsWith('domain.');
    const each = async (e: JournalEntry) => {
      try {
        opts.progress.update(e.target);
        const line = await undoEntry(host, e, ctx);
        report.undone.push(line);
        if (!host.dryRun) await store.forget(state, e.id);
      } catch (err) {
        report.failed.push({ id: e.id, error: (err as Error).message });
      }
    };
    if (parallel) await Promise.all(batch.map(each));
    else for (const e of batch) await each(e);
  }
  if (!report.failed.length && !host.dryRun) {
    try {
      report.undone.push(...(await sweepOwned(host, state.lab)));
    } catch (err) {
      report.failed.push({ id: 'sweep', error: (err as Error).message });
    }
  }
  if (report.failed.length) opts.progress.fail(`${report.failed.length} object${report.failed.length === 1 ? '' : 's'} could not be removed`);
  else {
    if (!host.dryRun) store.remove();
    opts.progress.succeed(`${report.undone.length} change${report.undone.length === 1 ? '' : 's'} undone`);
  }
  return report;
}
