import fs from 'node:fs';
import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { factsFor, loadLab, pathsFor } from '../context.js';
import { planLab } from '../../plan/planner.js';
import { diffLab } from '../../plan/diff.js';
import { formatPlan } from '../format-plan.js';
import { HostError, UsageError } from '../../errors.js';
import { acquireLock } from '../../state/lock.js';
import { StateStore, type LabState } from '../../state/store.js';
import { applyUp } from '../../apply/up.js';
import { createProgress } from '../../ui/progress.js';
import { renderSummaryTable } from '../summary-table.js';
import { runVerify, type VerifyCliOptions } from './verify.js';
import type { Action } from '../../plan/types.js';

export interface UpOptions extends VerifyCliOptions {
  timeout: string;
  verify?: boolean;
  json?: boolean;
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('build the lab: bridges, forwarding and NAT, libvirt networks, overlays, guest config, domains')
    .option('--timeout <seconds>', 'how long each guest may take to boot and show its addresses', '300')
    .option('--verify', 'run `vlab verify` when the lab is up')
    .option('--junit <file>', 'with --verify: write JUnit XML')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts: UpOptions, cmd: Command) => {
      const g = globals(cmd);
      const timeoutSec = Number(opts.timeout);
      if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not '${opts.timeout}'`);
      const loaded = loadLab(g);
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
      const plan = await planLab(lab, facts);
      progress.succeed();
      if (plan.conflicts.length) {
        throw new HostError(formatPlan(plan, { verbose: false }).split('\n').filter((l) => l.includes('✗') || l.includes('fix:') || l.includes('conflict')).join('\n'), 'nothing was changed; resolve the conflicts above and run `vlab up` again');
      }
      const todo = plan.actions.filter((a) => !a.satisfied);
      if (!todo.length) {
        if (opts.json) process.stdout.write(JSON.stringify({ lab: lab.name, changed: 0, upToDate: true }) + '\n');
        else if (!g.quiet) process.stdout.write(`Lab '${lab.name}' is up; nothing to change.\n`);
        if (opts.verify) await runVerify(loaded.lab, host, opts, g);
        return;
      }
      const now = new Date().toISOString();
      const state: LabState = previous ?? { version: 1, lab: lab.name, labFile: loaded.file, accel: plan.accel, createdAt: now, updatedAt: now, spec: lab, entries: [] };
      state.spec = lab;
      state.labFile = loaded.file;
      const t0 = performance.now();
      const report = await applyUp({ lab, plan, host, store, state, progress, readyTimeoutSec: timeoutSec, onRecorded: crashHook() });
      const total = (performance.now() - t0) / 1000;
      if (opts.json) {
        process.stdout.write(JSON.stringify({ lab: lab.name, changed: report.changed, seconds: total, phases: report.phases, guests: report.ready, stacks: report.stacks }, null, 2) + '\n');
      } else if (!g.quiet) {
        process.stdout.write(`\nLab '${lab.name}' is up (${report.changed} changes in ${total.toFixed(1)}s, ${plan.accel}).\n`);
        for (const [guest, stack] of Object.entries(report.stacks)) process.stdout.write(`  ${guest}: network configuration for ${stack}\n`);
        process.stdout.write(renderSummaryTable(lab, report.ready, paths) + '\n');
      }
      if (opts.verify) await runVerify(loaded.lab, host, opts, g);
    });
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
