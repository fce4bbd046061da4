/** How commands print the core's outcomes: text for people, JSON for scripts, JUnit for CI. */
import fs from 'node:fs';
import type { Lab } from '../spec/types.js';
import type { UpOutcome } from '../lab/up.js';
import type { VerifyOutcome } from '../lab/verify.js';
import type { PersistOutcome } from '../lab/persist.js';
import { CHECKPOINT_PHASE, type SnapshotRestored } from '../lab/snapshot.js';
import type { ColdReset } from '../lab/cold-reset.js';
import type { SweepOutcome } from '../lab/sweep.js';
import { renderMatrix } from '../verify/report-matrix.js';
import { renderJson } from '../verify/report-json.js';
import { toJunit } from '../verify/report-junit.js';
import { renderSummaryTable } from './summary-table.js';
import { useColor } from './color.js';
import { ExitCode } from './exit-codes.js';
import { formatPlan, planToJson, type PlanText } from './format-plan.js';
import type { Plan } from '../plan/types.js';
import { HostError, UsageError } from '../errors.js';
import path from 'node:path';
import type { GlobalOptions } from './context.js';

function out(text: string): void {
  process.stdout.write(text);
}

/** `up`'s result: a line, the stack per guest and the guest table; or one JSON document. */
export function printUp(o: UpOutcome, g: GlobalOptions, opts: { json?: boolean }): void {
  if (!o.report) {
    if (opts.json) out(JSON.stringify({ lab: o.lab, changed: 0, upToDate: true }) + '\n');
    else if (!g.quiet) out(`Lab '${o.lab}' is up; nothing to change.\n`);
    return;
  }
  const r = o.report;
  if (opts.json) {
    out(JSON.stringify({ lab: o.lab, changed: r.changed, seconds: o.seconds, phases: r.phases, guests: r.ready, stacks: r.stacks }, null, 2) + '\n');
    return;
  }
  if (g.quiet) return;
  out(`\nLab '${o.lab}' is up (${r.changed} changes in ${o.seconds.toFixed(1)}s, ${o.plan.accel}).\n`);
  for (const [guest, stack] of Object.entries(r.stacks)) out(`  ${guest}: network configuration for ${stack}\n`);
  out(renderSummaryTable(o.spec, r.ready, o.paths) + '\n');
  const cp = r.phases.find((p) => p.title === CHECKPOINT_PHASE);
  if (cp) out(`Checkpoint 'ready' taken (${cp.seconds.toFixed(1)}s): \`vlab reset\` brings the guests back to this moment.\n`);
}

/** `verify`'s result: the matrix (or JSON), JUnit when asked; exit code 1 when a check failed. */
export function printVerify(lab: Lab, v: VerifyOutcome, g: GlobalOptions, opts: { json?: boolean; junit?: string }): void {
  if (opts.junit) writeJunit(opts.junit, toJunit(lab, v.results, v.seconds));
  if (opts.json) out(renderJson(lab, v.results));
  else if (!g.quiet) out(renderMatrix(lab, v.results, { color: useColor(g) }) + `\n(${v.seconds.toFixed(1)}s)\n`);
  if (!v.ok) process.exitCode = ExitCode.verifyFailed;
}

/** The JUnit file the user named (its folder made when missing); a usage error naming it when it cannot be written. */
function writeJunit(file: string, xml: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, xml);
  } catch (e) {
    throw new UsageError(
      `cannot write the JUnit file ${path.resolve(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'name a file you can write with --junit FILE',
    );
  }
}

/** `persist`'s result: what was made and removed, and notes. */
export function printPersist(p: PersistOutcome, g: GlobalOptions, opts: { json?: boolean }): void {
  if (opts.json) {
    out(JSON.stringify({ lab: p.lab, persisted: p.mode, made: p.made, removed: p.removed, notes: p.notes }, null, 2) + '\n');
    return;
  }
  if (g.quiet) return;
  const lines: string[] = [`Lab '${p.lab}' is persisted (${p.mode}): it comes back after a reboot.`];
  for (const l of p.removed) lines.push(`  removed: ${l}`);
  for (const l of p.made) lines.push(`  ${l}`);
  for (const n of p.notes) lines.push(`  note: ${n}`);
  out(lines.join('\n') + '\n');
}

/** A snapshot restore's (or reset's) result: what was repaired, the guests, their clocks. */
export function printSweep(r: SweepOutcome, g: GlobalOptions, opts: { json?: boolean }): void {
  if (opts.json) out(JSON.stringify(r, null, 2) + '\n');
  else if (!g.quiet) {
    const lines = [`Lab '${r.lab}' (state: ${r.state === 'missing' ? 'missing' : 'unusable'}; undo-facts record: ${r.undoFacts ? 'found' : 'missing'}):`];
    for (const l of r.removed) lines.push(`  removed: ${l}`);
    for (const l of r.notes) lines.push(`  note: ${l}`);
    for (const l of r.refused) lines.push(`  LEFT IN PLACE: ${l}`);
    if (!r.removed.length && !r.refused.length) lines.push('  nothing tagged for it is on this host');
    out(lines.join('\n') + '\n');
  }
  if (r.refused.length)
    throw new HostError(
      `lab '${r.lab}': the sweep left ${r.refused.length} object${r.refused.length === 1 ? '' : 's'} in place (listed above)`,
      'do what each line says, then run `vlab down LAB --sweep` again',
    );
}

export function printColdReset(r: ColdReset, g: GlobalOptions, opts: { json?: boolean }): void {
  if (opts.json) return out(JSON.stringify(r, null, 2) + '\n');
  if (g.quiet) return;
  const lines = [`\nLab '${r.lab}': ${r.guests.join(', ')} booted on fresh disks over their configured layers in ${r.seconds.toFixed(1)}s.`];
  for (const l of r.repaired) lines.push(`  repaired: ${l}`);
  for (const l of r.reattached) lines.push(`  reattached: ${l}`);
  if (r.discarded.length) lines.push(`  snapshots deleted (they held the replaced disks): ${r.discarded.join(', ')}`);
  if (r.checkpoint) lines.push("  checkpoint 'ready' taken again: `vlab reset` goes back here");
  else if (r.discarded.includes('ready')) lines.push("  note: no 'ready' checkpoint now (only some guests were reset); `vlab snapshot save ready` takes one");
  out(lines.join('\n') + '\n');
}

export function printSnapshotRestored(r: SnapshotRestored, g: GlobalOptions, opts: { json?: boolean }): void {
  if (opts.json) return out(JSON.stringify(r, null, 2) + '\n');
  if (g.quiet) return;
  const lines = [`\nLab '${r.lab}' is back at snapshot '${r.name}' (${r.guests.join(', ')}) in ${r.seconds.toFixed(1)}s.`];
  for (const l of r.repaired) lines.push(`  repaired: ${l}`);
  for (const l of r.reattached) lines.push(`  reattached: ${l}`);
  for (const [guest, how] of Object.entries(r.clocks)) if (how.startsWith('not set')) lines.push(`  note: ${guest}'s clock was ${how}`);
  out(lines.join('\n') + '\n');
}

/** A `--dry-run` preview (down, persist, restore): the plan format, or planToJson's JSON with `dryRun: true`. */
export function printPreview(plan: Plan, g: GlobalOptions, opts: { json?: boolean }, text: Omit<PlanText, 'verbose'>): void {
  if (opts.json) out(JSON.stringify({ dryRun: true, ...(planToJson(plan) as object) }, null, 2) + '\n');
  else out(formatPlan(plan, { verbose: !!g.verbose, ...text }) + '\n');
}
