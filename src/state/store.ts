/**
 * A lab's state on disk, and the only reader and writer of its two files: `state.json` (the
 * write-ahead journal of host changes and the lab as last applied) and `lab.json` (the summary
 * other labs' planning reads). Files are mode 0600 and written atomically (temp file, fsync, rename).
 */
import { isUndoFact, recordUndoFact } from './undo-facts.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Action, ActionDetails, ActionKind } from '../plan/types.js';
import type { Lab } from '../spec/types.js';
import { labPaths, type LabPaths } from '../plan/paths.js';
import type { OtherLabFact } from '../plan/facts.js';
import { writeFileAtomic } from '../host/atomic-write.js';
import { HostError } from '../errors.js';
import { onFs } from '../host/fs-error.js';

export interface JournalEntry {
  id: string;
  kind: ActionKind;
  /** Multi-host labs: the remote host the change was made on (absent: this machine). */
  host?: string;
  target: string;
  details: ActionDetails;
  /** pending: recorded, maybe partly made; done: made. */
  status: 'pending' | 'done';
  at: string;
}

export interface LabState {
  version: 1;
  lab: string;
  labFile: string;
  accel: 'kvm' | 'tcg';
  createdAt: string;
  updatedAt: string;
  /** The lab as last applied (so `down`, `status` and `verify` work without the lab file). */
  spec: Lab;
  entries: JournalEntry[];
  /** Persistence mode, when `--persist` was used. */
  persist?: string;
}

/** What other labs need to know about this one (`lab.json`; the planner's OtherLabFact). */
export type LabSummary = OtherLabFact;

export { writeFileAtomic } from '../host/atomic-write.js';

export class StateStore {
  private chain: Promise<void> = Promise.resolve();
  constructor(readonly paths: LabPaths) {}

  /**
   * The saved state, or undefined when the lab is not up. A state file that cannot be read or
   * parsed is a HostError naming the file and the way out, never a bug trace.
   */
  load(): LabState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.paths.state, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new HostError(`cannot read the state of lab '${labOf(this.paths)}' (${this.paths.state}): ${(e as Error).message}`, corruptHint(this.paths));
    }
    let state: LabState;
    try {
      state = JSON.parse(text) as LabState;
    } catch (e) {
      throw new HostError(`the state file of lab '${labOf(this.paths)}' is corrupt (${this.paths.state}: ${(e as Error).message})`, corruptHint(this.paths));
    }
    if (!state || typeof state !== 'object' || state.version !== 1 || !Array.isArray(state.entries) || !state.spec) {
      throw new HostError(`the state file of lab '${labOf(this.paths)}' is not a vlab state (version 1 with a journal): ${this.paths.state}`, corruptHint(this.paths));
    }
    return state;
  }

  /** Creates the state dir (traversable by the qemu user, 0711) and saves. */
  save(state: LabState): void {
    onFs("write the lab's state", this.paths.state, () => {
      fs.mkdirSync(this.paths.dir, { recursive: true, mode: 0o711 });
      fs.chmodSync(this.paths.dir, 0o711);
      state.updatedAt = new Date().toISOString();
      writeFileAtomic(this.paths.state, JSON.stringify(state, null, 2) + '\n');
      writeFileAtomic(this.paths.summary, JSON.stringify(summaryOf(state), null, 2) + '\n');
    });
  }

  /** Records an action as pending BEFORE it is made (serialised: actions run in parallel); ip_forward and uplink changes also go to the undo-facts record first. */
  record(state: LabState, action: Action): Promise<void> {
    return this.serial(() => {
      if (isUndoFact(action.details) && !action.host) {
        fs.mkdirSync(this.paths.dir, { recursive: true, mode: 0o711 });
        recordUndoFact(this.paths.undoFacts, state.lab, action.details);
      }
      state.entries = state.entries.filter((e) => e.id !== action.id);
      state.entries.push({
        id: action.id,
        kind: action.kind,
        ...(action.host ? { host: action.host } : {}),
        target: action.target,
        details: action.details,
        status: 'pending',
        at: new Date().toISOString(),
      });
      this.save(state);
    });
  }

  /** Marks a recorded action as made. */
  complete(state: LabState, id: string): Promise<void> {
    return this.serial(() => {
      const e = state.entries.find((x) => x.id === id);
      if (e) e.status = 'done';
      this.save(state);
    });
  }

  /** Drops an entry once it has been undone. */
  forget(state: LabState, id: string): Promise<void> {
    return this.serial(() => {
      state.entries = state.entries.filter((e) => e.id !== id);
      this.save(state);
    });
  }

  /** Removes the whole state dir. */
  remove(): void {
    fs.rmSync(this.paths.dir, { recursive: true, force: true });
  }

  private serial(fn: () => void): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** The `lab.json` summary of a state. */
export function summaryOf(state: LabState): LabSummary {
  return {
    name: state.lab,
    cidrs: state.spec.networks.flatMap((n) => (n.cidr && !n.uplink ? [n.cidr] : [])),
    bridges: state.spec.networks.map((n) => n.bridge),
    needsForwarding: state.entries.some((e) => e.kind === 'sysctl.forward') || state.spec.networks.some((n) => n.nat),
    ...forwardPreviousOf(state),
    ...createdTablesOf(state),
  };
}

function createdTablesOf(state: LabState): { createdTables?: string[] } {
  const t = [...new Set(state.entries.flatMap((e) => (e.details.kind === 'iptables.rule' && e.details.tableExisted === false ? [e.details.rule.table] : [])))];
  return t.length ? { createdTables: t } : {};
}

function forwardPreviousOf(state: LabState): { forwardPrevious?: string } {
  const d = state.entries.find((e) => e.details.kind === 'sysctl.forward')?.details;
  return d?.kind === 'sysctl.forward' ? { forwardPrevious: d.previous } : {};
}

/**
 * The `lab.json` summaries of the labs under root other than `self`, sorted by name. Tolerant:
 * unreadable files are skipped and missing fields defaulted (a broken lab must not stop another
 * lab's planning; `vlab doctor` reports it).
 */
export function readLabSummaries(root: string, self?: string): LabSummary[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const out: LabSummary[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name === self || e.name.startsWith('.')) continue;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(fs.readFileSync(labPaths(root, e.name).summary, 'utf8')) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!j || typeof j !== 'object') continue;
    out.push({
      name: typeof j.name === 'string' ? j.name : e.name,
      cidrs: strings(j.cidrs),
      bridges: strings(j.bridges),
      needsForwarding: j.needsForwarding === true,
      ...(typeof j.forwardPrevious === 'string' ? { forwardPrevious: j.forwardPrevious } : {}),
      ...(strings(j.createdTables).length ? { createdTables: strings(j.createdTables) } : {}),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function labOf(paths: LabPaths): string {
  return path.basename(paths.dir);
}

function corruptHint(paths: LabPaths): string {
  const lab = labOf(paths);
  return `\`vlab doctor\` lists what lab '${lab}' left on the host; \`vlab down ${lab} --sweep\` removes its tagged objects without the journal`;
}

/** Names of labs with state under root. */
export function listLabs(root: string): string[] {
  try {
    return fs
      .readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'state.json')))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}
