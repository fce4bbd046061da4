/** `down LAB --sweep`: a lab whose journal is lost or corrupt, removed by its tags and its undo-facts record. Prints nothing. */
import type { Host } from '../host/index.js';
import { acquireLock } from '../state/lock.js';
import { readLabSummaries } from '../state/store.js';
import { readUndoFacts } from '../state/undo-facts.js';
import { eventProgress, type OnEvent } from '../apply/progress.js';
import { sweepLab, type SweepReport } from '../apply/sweep-lab.js';
import { HostError, UsageError } from '../errors.js';
import { storeFor } from './state.js';

export interface SweepOutcome extends SweepReport {
  lab: string;
  /** Why the journal could not be used: `missing`, or the state file's error. */
  state: string;
  /** Whether the lab's undo-facts record was there (ip_forward, uplinks). */
  undoFacts: boolean;
}

export async function labSweep(req: { lab: string; host: Host; root: string; onEvent?: OnEvent }): Promise<SweepOutcome> {
  const store = storeFor(req.root, req.lab);
  acquireLock(store.paths.lock, req.lab);
  let state: string;
  try {
    state = store.load() ? 'ok' : 'missing';
  } catch (e) {
    state = (e as Error).message;
  }
  if (state === 'ok') throw new UsageError(`lab '${req.lab}' has a usable journal: --sweep is for a lab whose state is lost or corrupt`, `run \`vlab down ${req.lab}\``);
  const facts = readUndoFacts(store.paths.undoFacts);
  const progress = eventProgress(req.onEvent);
  progress.phase(`Sweeping what is tagged vlab:${req.lab}`);
  let report: SweepReport;
  try {
    report = await sweepLab(req.host, req.lab, req.root, facts, {
      forwardingNeededElsewhere: readLabSummaries(req.root, req.lab).some((s) => s.needsForwarding),
      say: (t) => progress.update(t),
    });
  } catch (e) {
    progress.fail();
    throw e instanceof HostError
      ? e
      : new HostError(`the sweep of lab '${req.lab}' stopped: ${(e as Error).message}`, 'fix the cause and run the sweep again: it removes only what is still tagged');
  }
  if (report.refused.length) progress.fail(`${report.refused.length} object${report.refused.length === 1 ? '' : 's'} left in place`);
  else progress.succeed(`${report.removed.length} removed`);
  return { lab: req.lab, state, undoFacts: !!facts, ...report };
}
