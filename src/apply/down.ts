/**
 * `vlab down`: replays the journal in reverse. Works from the journal alone (the lab file may be
 * gone or edited), after a crash at any point of `up`, and when objects were removed by hand.
 */
import type { Host } from '../host/index.js';
import type { JournalEntry, LabState, StateStore } from '../state/store.js';
import type { Progress } from './progress.js';
import { undoEntry } from './undo-entry.js';
import { sweepOwned } from './sweep.js';
import { HostUnreachableError } from '../errors.js';

export interface DownReport {
  undone: string[];
  failed: { id: string; error: string }[];
  /** Multi-host labs: the hosts that could not be reached (their entries stay in the journal). */
  unreachable: string[];
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

export interface DownOptions {
  progress: Progress;
  forwardingNeededElsewhere: boolean;
  /** Multi-host labs: the Host of a journal entry's `host` (absent: every entry is this machine's). */
  hostOf?: (name: string) => Host;
  /** Multi-host labs: this machine alone (`host` is then routed per domain), for the sweep of what is tagged here. */
  controller?: Host;
}

/**
 * Undoes the journal. In a multi-host lab each host's entries are undone on that host, hosts in
 * parallel; a host that cannot be reached keeps its entries (reported in `unreachable`), so a
 * later `down` finishes it, and the state dir stays until every host is clean.
 */
export async function applyDown(host: Host, store: StateStore, state: LabState, opts: DownOptions): Promise<DownReport> {
  const report: DownReport = { undone: [], failed: [], unreachable: [] };
  // Reverse journal order, stably grouped by kind so that, whatever order parallel work finished
  // in, nothing is removed while something built on it still exists.
  const entries = undoOrder(state.entries);
  const ctx = {
    lab: state.lab,
    forwardingNeededElsewhere: opts.forwardingNeededElsewhere,
    stateDir: store.paths.dir,
    lastOfTable: (e: JournalEntry) =>
      e.details.kind === 'iptables.rule' &&
      !state.entries.some(
        (x) => x.id !== e.id && x.host === e.host && x.details.kind === 'iptables.rule' && x.details.rule.table === (e.details as { rule: { table: string } }).rule.table,
      ),
  };
  opts.progress.phase(`Removing lab ${state.lab}`);
  if (!host.dryRun) {
    for (const p of host.processes.killStrayDiskHelpers(store.paths.disks)) report.undone.push(`stray libguestfs process ${p.pid} (from an interrupted up): killed`);
    report.undone.push(...(await host.processes.cleanupDiskExports(store.paths.disks)));
  }
  const remote = [...new Set(entries.flatMap((e) => (e.host ? [e.host] : [])))];
  const undoOn = async (h: Host, mine: JournalEntry[], where: string): Promise<boolean> => {
    let ok = true;
    for (const group of ORDER) {
      const batch = mine.filter((e) => e.kind === group);
      // Domains go in parallel (destroying one takes a moment); the rest one by one, in order.
      const parallel = group.startsWith('domain.');
      const each = async (e: JournalEntry) => {
        try {
          opts.progress.update(where + e.target);
          const line = await undoEntry(h, e, ctx);
          report.undone.push(where + line);
          if (!h.dryRun) await store.forget(state, e.id);
        } catch (err) {
          ok = false;
          report.failed.push({ id: e.id, error: (err as Error).message });
        }
      };
      if (parallel) await Promise.all(batch.map(each));
      else for (const e of batch) await each(e);
    }
    return ok;
  };
  // A lab snapshot spans hosts: it goes before any host's domains are undefined (host is routed per domain).
  // A host that cannot be reached keeps its part of a snapshot (and the entry); the rest goes on.
  const spanning = remote.length ? entries.filter((e) => !e.host && e.kind === 'snapshot') : [];
  for (const e of spanning) {
    try {
      report.undone.push(await undoEntry(host, e, ctx));
      if (!host.dryRun) await store.forget(state, e.id);
    } catch (err) {
      report.failed.push({ id: e.id, error: (err as Error).message });
      if (!(err instanceof HostUnreachableError)) {
        opts.progress.fail(`${report.failed.length} object${report.failed.length === 1 ? '' : 's'} could not be removed`);
        return report;
      }
    }
  }
  await Promise.all([
    (async () => {
      if (
        (await undoOn(
          host,
          entries.filter((e) => !e.host && !spanning.includes(e)),
          '',
        )) &&
        !host.dryRun
      ) {
        try {
          // This machine's tagged leftovers only: the other hosts sweep their own (in parallel with this).
          report.undone.push(...(await sweepOwned(opts.controller ?? host, state.lab)));
        } catch (err) {
          report.failed.push({ id: 'sweep', error: (err as Error).message });
        }
      }
    })(),
    ...remote.map(async (name) => {
      const mine = entries.filter((e) => e.host === name);
      const where = `on host ${name}: `;
      const h = opts.hostOf?.(name);
      try {
        if (!h) throw new HostUnreachableError(name, "the lab's hosts: section is not in its state", name);
        await h.ip.listLinks();
      } catch (err) {
        if (!(err instanceof HostUnreachableError)) throw err;
        report.unreachable.push(name);
        for (const e of mine) report.failed.push({ id: e.id, error: `host ${name} unreachable: ${err.message.split('\n')[0]}` });
        return;
      }
      if ((await undoOn(h, mine, where)) && !h.dryRun) {
        try {
          report.undone.push(...(await sweepOwned(h, state.lab)).map((l) => where + l));
          h.files.remove(store.paths.dir);
          report.undone.push(`${where}state dir ${store.paths.dir}: removed`);
        } catch (err) {
          report.failed.push({ id: `sweep:${name}`, error: (err as Error).message });
        }
      }
    }),
  ]);
  if (report.failed.length)
    opts.progress.fail(
      `${report.failed.length} object${report.failed.length === 1 ? '' : 's'} could not be removed${report.unreachable.length ? ` (host ${report.unreachable.join(', ')} unreachable)` : ''}`,
    );
  else {
    if (!host.dryRun) store.remove();
    opts.progress.succeed(`${report.undone.length} change${report.undone.length === 1 ? '' : 's'} undone`);
  }
  return report;
}
