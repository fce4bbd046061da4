/**
 * A lab's state on disk: the write-ahead journal of host changes and the lab as last applied.
 * Files are mode 0600 and written atomically (temp file, fsync, rename).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Action, ActionDetails, ActionKind } from '../plan/types.js';
import type { Lab } from '../spec/types.js';
import type { LabPaths } from '../plan/paths.js';
import { writeFileAtomic } from '../host/atomic-write.js';

export interface JournalEntry {
  id: string;
  kind: ActionKind;
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

/** What other labs need to know about this one (read by facts gathering of other labs). */
export interface LabSummary {
  name: string;
  cidrs: string[];
  bridges: string[];
  needsForwarding: boolean;
}

export { writeFileAtomic } from '../host/atomic-write.js';

export class StateStore {
  private chain: Promise<void> = Promise.resolve();
  constructor(readonly paths: LabPaths) {}

  /** The saved state, or undefined when the lab is not up. */
  load(): LabState | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.paths.state, 'utf8')) as LabState;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Creates the state dir (traversable by the qemu user, 0711) and saves. */
  save(state: LabState): void {
    fs.mkdirSync(this.paths.dir, { recursive: true, mode: 0o711 });
    fs.chmodSync(this.paths.dir, 0o711);
    state.updatedAt = new Date().toISOString();
    writeFileAtomic(this.paths.state, JSON.stringify(state, null, 2) + '\n');
    const summary: LabSummary = {
      name: state.lab,
      cidrs: state.spec.networks.flatMap((n) => (n.cidr && !n.uplink ? [n.cidr] : [])),
      bridges: state.spec.networks.map((n) => n.bridge),
      needsForwarding: state.entries.some((e) => e.kind === 'sysctl.forward') || state.spec.networks.some((n) => n.nat),
    };
    writeFileAtomic(this.paths.summary, JSON.stringify(summary, null, 2) + '\n');
  }

  /** Records an action as pending BEFORE it is made (serialised: actions run in parallel). */
  record(state: LabState, action: Action): Promise<void> {
    return this.serial(() => {
      state.entries = state.entries.filter((e) => e.id !== action.id);
      state.entries.push({ id: action.id, kind: action.kind, target: action.target, details: action.details, status: 'pending', at: new Date().toISOString() });
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
