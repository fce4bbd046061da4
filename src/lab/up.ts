/** The whole of `vlab up` for a loaded lab (also `vlab restore`'s): lock, diff, facts, plan, conflicts, apply with the journal, report. */
import fs from 'node:fs';
import { createHostFromCommand } from '../cli/options.js';
import { factsFor, pathsFor, type GlobalOptions, type LoadedLab } from '../cli/context.js';
import { planLab } from '../plan/planner.js';
import { diffLab } from '../plan/diff.js';
import { HostError, UsageError } from '../errors.js';
import { acquireLock } from '../state/lock.js';
import { StateStore, type LabState } from '../state/store.js';
import { applyUp } from '../apply/up.js';
import { createProgress } from '../ui/progress.js';
import { renderSummaryTable } from '../cli/summary-table.js';
import { runVerify, type VerifyCliOptions } from './verify.js';
import { sshKeysOf } from '../host/lab-exec.js';
import type { Action } from '../plan/types.js';

export interface UpOptions extends VerifyCliOptions {
  timeout: string;
  uplinkTimeout?: string;
  yes?: boolean;
  verify?: boolean;
  json?: boolean;
}

/**
 * The whole of `vlab up` for a loaded lab: lock, compare with what is up, gather facts, plan,
 * refuse on conflicts, apply with the journal, report. `vlab restore` calls it with the lab as
 * recorded in the state.
 */
export async function bringUp(loaded: LoadedLab, g: GlobalOptions, opts: UpOptions): Promise<void> {
  const timeoutSec = Number(opts.timeout);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not '${opts.timeout}'`);
  const { lab } = loaded;
  const paths = pathsFor(lab.name);
  acquireLock(paths.lock, lab.name);
  const host = createHostFromCommand(g);
  const store = new StateStore(paths);
  const previous = store.load();
  if (previous) {
    const diff = diffLab(previous.spec, lab);
    if (diff.needDown.length) {
      throw new UsageError(
        `lab '${lab.name}' is up and the lab file changed in ways \`up\` cannot apply in place:\n  - ${diff.needDown.join('\n  - ')}`,
        'run `vlab down` then `vlab up` (additions of guests or networks alone are applied in place)',
      );
    }
  }
  const progress = createProgress({ quiet: !!g.quiet || !!opts.json });
  progress.phase('Reading the host');
  const facts = await factsFor(loaded, host);
  facts.allowSshUplink = !!opts.yes;
  const plan = await planLab(lab, facts);
  progress.succeed();
  if (plan.conflicts.length) {
    throw new HostError(
      `${plan.conflicts.length} conflict${plan.conflicts.length === 1 ? '' : 's'} with the host:\n` + plan.conflicts.map((c) => `  ✗ ${c.message}\n    fix: ${c.hint}`).join('\n'),
      'nothing was changed; resolve the conflicts above and run `vlab up` again',
    );
  }
  const todo = plan.actions.filter((a) => !a.satisfied);
  if (!todo.length) {
    if (opts.json) process.stdout.write(JSON.stringify({ lab: lab.name, changed: 0, upToDate: true }) + '\n');
    else if (!g.quiet) process.stdout.write(`Lab '${lab.name}' is up; nothing to change.\n`);
    if (opts.verify) await runVerify(lab, host, host.labExec(sshKeysOf(plan.actions)), opts, g);
    return;
  }
  const now = new Date().toISOString();
  const state: LabState = previous ?? { version: 1, lab: lab.name, labFile: loaded.file, accel: plan.accel, createdAt: now, updatedAt: now, spec: lab, entries: [] };
  state.spec = lab;
  state.labFile = loaded.file;
  const t0 = performance.now();
  const uplinkTimeoutSec = Number(opts.uplinkTimeout ?? '20');
  if (!Number.isFinite(uplinkTimeoutSec) || uplinkTimeoutSec < 3) throw new UsageError(`--uplink-timeout must be at least 3 seconds, not '${opts.uplinkTimeout}'`);
  const report = await applyUp({ lab, plan, host, store, state, progress, readyTimeoutSec: timeoutSec, uplinkTimeoutSec, onRecorded: crashHook() });
  const total = (performance.now() - t0) / 1000;
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ lab: lab.name, changed: report.changed, seconds: total, phases: report.phases, guests: report.ready, stacks: report.stacks }, null, 2) + '\n',
    );
  } else if (!g.quiet) {
    process.stdout.write(`\nLab '${lab.name}' is up (${report.changed} changes in ${total.toFixed(1)}s, ${plan.accel}).\n`);
    for (const [guest, stack] of Object.entries(report.stacks)) process.stdout.write(`  ${guest}: network configuration for ${stack}\n`);
    process.stdout.write(renderSummaryTable(lab, report.ready, paths) + '\n');
  }
  if (opts.verify) await runVerify(lab, host, host.labExec(sshKeysOf(plan.actions)), opts, g);
}

/**
 * Test hook for crash tests: VLAB_CRASH_AT=N kills this process with SIGKILL right after the Nth
 * journal record (before that change is made). Only honoured inside the test sandbox.
 */
function crashHook(): ((a: Action) => void) | undefined {
  const at = Number(process.env.VLAB_CRASH_AT);
  if (!at || process.env.VLAB_SANDBOX !== '1') return undefined;
  let n = 0;
  return (a) => {
    if (++n === at) {
      fs.writeSync(2, `VLAB_CRASH_AT=${at}: killing myself after recording ${a.id}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  };
}
