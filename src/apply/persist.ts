/**
 * `vlab persist` / `vlab unpersist`: makes a lab come back after a reboot (a systemd unit running
 * `vlab restore`, or the seed write-up's ifupdown stanzas and iptables-restore file) and takes
 * that away again. Every file and autostart mark is an action run through up's recorded-action
 * loop (journal entry BEFORE the change, src/apply/recorded.ts) and doAction, so `vlab down`
 * removes them through the normal undo path. Every file access goes through the files port.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Host } from '../host/index.js';
import type { Action } from '../plan/types.js';
import type { LabState, StateStore } from '../state/store.js';
import { HostError } from '../errors.js';
import { isVlabFile } from '../persist/marker.js';
import { persistDirs, planPersist, type PersistMode } from '../persist/plan-persist.js';
import { undoPersistAutostart, undoPersistFile } from './persist-entries.js';
import { runRecorded } from './recorded.js';
import { doAction } from './do-action.js';

export interface PersistOptions {
  /** Absolute state root (VLAB_STATE_DIR) and libvirt URI, written into the systemd unit. */
  stateRoot: string;
  uri: string;
  /** Overrides for the unit's command line (default: this node and this checkout's bin/vlab.js). */
  node?: string;
  vlabJs?: string;
  /** Receives one line per change. */
  say?: (line: string) => void;
}

export interface PersistReport {
  mode: PersistMode;
  made: string[];
  removed: string[];
  notes: string[];
}

/** This checkout's bin/vlab.js (what the unit runs). */
export function defaultVlabJs(): string {
  return fileURLToPath(new URL('../../bin/vlab.js', import.meta.url));
}

/** `dirs` and their ancestors that do not exist (each once). */
function missingDirs(host: Host, dirs: string[]): string[] {
  const out = new Set<string>();
  for (const dir of dirs) {
    for (let d = dir; d !== path.dirname(d) && !host.files.exists(d); d = path.dirname(d)) out.add(d);
  }
  return [...out];
}

function isPersistEntry(kind: string): boolean {
  return kind === 'persist.file' || kind === 'persist.autostart';
}

/** Refuses (before any change) to overwrite a file or symlink vlab did not write for this lab. */
function preflight(host: Host, actions: Action[], lab: string): void {
  for (const a of actions) {
    const d = a.details;
    if (d.kind !== 'persist.file') continue;
    const st = host.files.stat(d.path);
    if (!st) continue;
    const ours = d.link !== undefined ? st.target === d.link : st.type === 'file' && isVlabFile(host.files.read(d.path), lab);
    if (!ours)
      throw new HostError(
        `${d.path} exists and was not written by vlab for lab '${lab}'; not overwriting it`,
        'move it away (or pick the other --mode) and run `vlab persist` again; nothing was changed',
      );
  }
}

/** Undoes persistence entries (symlink before unit: reverse journal order; files before autostart marks); forgets each undone entry. */
async function undoEntries(host: Host, store: StateStore, state: LabState, keep: (id: string) => boolean): Promise<{ removed: string[]; failed: string[] }> {
  const rank = (k: string) => (k === 'persist.file' ? 0 : 1);
  const todo = [...state.entries]
    .reverse()
    .filter((e) => isPersistEntry(e.kind) && !keep(e.id))
    .sort((a, b) => rank(a.kind) - rank(b.kind));
  const removed: string[] = [];
  const failed: string[] = [];
  for (const e of todo) {
    try {
      const d = e.details;
      if (d.kind === 'persist.file') removed.push(undoPersistFile(host, d, state.lab));
      else if (d.kind === 'persist.autostart') removed.push(await undoPersistAutostart(host, d, state.lab));
      await store.forget(state, e.id);
    } catch (err) {
      failed.push(`${e.id}: ${(err as Error).message}`);
    }
  }
  return { removed, failed };
}

/** What persisting in `mode` would write, with its notes; refuses (before any change) what it must not overwrite. Reads only. */
export function preparePersist(host: Host, state: LabState, mode: PersistMode, opts: PersistOptions): { plan: ReturnType<typeof planPersist>; notes: string[] } {
  const lab = state.lab;
  if (mode === 'ifupdown' && !['/usr/sbin/ifup', '/sbin/ifup'].some((p) => host.files.exists(p))) {
    throw new HostError('ifupdown is not installed: nothing would read /etc/network/interfaces.d at boot', 'apt-get install ifupdown, or use `--mode systemd`');
  }
  const vlabJs = opts.vlabJs ?? defaultVlabJs();
  if (mode === 'systemd' && !host.files.exists(vlabJs))
    throw new HostError(`${vlabJs} does not exist; the unit could not run vlab`, 'run vlab from its checkout (npm link) and persist again');
  const plan = planPersist(state, mode, {
    node: opts.node ?? process.execPath,
    vlabJs,
    stateRoot: opts.stateRoot,
    uri: opts.uri,
    missingDirs: missingDirs(host, persistDirs(lab, mode)),
  });
  const notes = [...plan.notes];
  if (mode === 'ifupdown') {
    const main = host.files.exists('/etc/network/interfaces') ? host.files.read('/etc/network/interfaces') : '';
    if (!/^\s*source(-directory)?\s+\/etc\/network\/interfaces\.d(\/\*)?\s*$/m.test(main)) {
      notes.push("/etc/network/interfaces does not `source /etc/network/interfaces.d/*`: add that line, or ifup -a will not read the lab's file at boot");
    }
  } else if (host.files.exists('/run/systemd/system')) {
    notes.push('systemd is running: `systemctl daemon-reload` makes it see the unit now (the next boot reads it anyway)');
  }
  preflight(host, plan.actions, lab);
  return { plan, notes };
}

/** Persists the lab in `mode` (replacing another mode's persistence, and refreshing this one's). */
export async function applyPersist(host: Host, store: StateStore, state: LabState, mode: PersistMode, opts: PersistOptions): Promise<PersistReport> {
  const say = opts.say ?? (() => {});
  const lab = state.lab;
  const { plan, notes } = preparePersist(host, state, mode, opts);
  // Another mode's persistence (or entries this plan no longer has) goes first.
  const ids = new Set(plan.actions.map((a) => a.id));
  const old = await undoEntries(host, store, state, (id) => ids.has(id));
  if (old.failed.length) throw new HostError(`could not remove the lab's previous persistence:\n  - ${old.failed.join('\n  - ')}`, 'fix the cause and run `vlab persist` again');
  const made: string[] = [];
  for (const a of plan.actions) {
    const d = a.details;
    // Refreshing: directories an earlier persist created stay this entry's to remove.
    const prev = state.entries.find((e) => e.id === a.id)?.details;
    if (d.kind === 'persist.file' && prev?.kind === 'persist.file' && prev.createdDirs?.length) {
      d.createdDirs = [...new Set([...prev.createdDirs, ...(d.createdDirs ?? [])])].sort((x, y) => x.length - y.length);
    }
    // The same recorded-action loop and the same doAction as `up`.
    await runRecorded({ host, store, state }, [a], () => doAction(host, a, { lab, stateDir: store.paths.dir, uplinkTimeoutSec: 20, say }));
    made.push(a.description);
    say(a.description);
  }
  state.persist = mode;
  store.save(state);
  return { mode, made, removed: old.removed, notes };
}

/** Removes the lab's persistence (files and autostart marks); the lab stays up. */
export async function removePersist(host: Host, store: StateStore, state: LabState): Promise<string[]> {
  const { removed, failed } = await undoEntries(host, store, state, () => false);
  if (failed.length)
    throw new HostError(
      `could not remove all of the lab's persistence:\n  - ${failed.join('\n  - ')}`,
      'fix the cause and run `vlab unpersist` again: the journal keeps what is left',
    );
  delete state.persist;
  store.save(state);
  return removed;
}
