/** Human-readable and JSON views of a plan. Pure. */
import type { Plan } from '../plan/types.js';
import { waves } from '../plan/planner.js';

/** The plan as JSON: every action with its details (the exact files and XML), the waves, conflicts and notes. */
export function planToJson(plan: Plan): unknown {
  return {
    lab: plan.lab,
    stateDir: plan.stateDir,
    accel: plan.accel,
    actions: plan.actions.map((a) => ({
      id: a.id,
      kind: a.kind,
      ...(a.host ? { host: a.host } : {}),
      target: a.target,
      description: a.description,
      dependsOn: a.dependsOn,
      satisfied: a.satisfied,
      details: a.details,
    })),
    waves: waves(plan),
    conflicts: plan.conflicts,
    notes: plan.notes,
  };
}

export interface PlanText {
  verbose: boolean;
  /** The first line (default: `Plan for lab ...`); the previews of down, persist and restore name themselves. */
  title?: string;
  /** The last line, given the number of actions to do and already in place. */
  summary?: (todo: number, inPlace: number) => string;
}

/** A plan for people: numbered actions wave by wave; with verbose every file and XML document. The previews (`--dry-run`) print through here too. */
export function formatPlan(plan: Plan, opts: PlanText): string {
  const lines: string[] = [];
  const todo = plan.actions.filter((a) => !a.satisfied);
  lines.push(opts.title ?? `Plan for lab '${plan.lab}' (${plan.accel}, state in ${plan.stateDir}):`);
  let n = 0;
  for (const wave of waves(plan)) {
    for (const id of wave) {
      const a = plan.actions.find((x) => x.id === id)!;
      n++;
      // Multi-host labs: an action on a remote host says which (the others are this machine's).
      const where = a.host && !a.description.startsWith('on host ') ? `on host ${a.host}: ` : '';
      lines.push(`  ${a.satisfied ? '=' : '+'} ${String(n).padStart(2)}. ${where}${a.description}${a.satisfied ? '  (already in place)' : ''}`);
      if (opts.verbose) {
        const d = a.details;
        if (d.kind === 'guest.config')
          for (const f of d.files)
            lines.push(
              `        --- ${f.path} (mode ${f.mode.toString(8)})`,
              ...f.content
                .trimEnd()
                .split('\n')
                .map((l) => `        | ${l}`),
            );
        if (d.kind === 'persist.file' && d.content)
          lines.push(
            `        --- ${d.path} (mode ${d.mode.toString(8)})`,
            ...d.content
              .trimEnd()
              .split('\n')
              .map((l) => `        | ${l}`),
          );
        if (d.kind === 'guest.config') for (const s of d.slots ?? []) lines.push(`        slot <<vlab-slot:${s.name}>>: ${s.what}, made by ${s.from} during up`);
        if (d.kind === 'libvirt.network' || d.kind === 'domain.define')
          lines.push(
            ...d.xml
              .trimEnd()
              .split('\n')
              .map((l) => `        | ${l}`),
          );
        if (a.dependsOn.length) lines.push(`        after: ${a.dependsOn.join(', ')}`);
      }
    }
  }
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  if (plan.conflicts.length) {
    lines.push('', `${plan.conflicts.length} conflict${plan.conflicts.length === 1 ? '' : 's'} block this plan:`);
    for (const c of plan.conflicts) lines.push(`  ✗ ${c.message}`, `    fix: ${c.hint}`);
  }
  lines.push(
    '',
    opts.summary
      ? opts.summary(todo.length, plan.actions.length - todo.length)
      : todo.length
        ? `${todo.length} change${todo.length === 1 ? '' : 's'} to make, ${plan.actions.length - todo.length} already in place.`
        : 'Nothing to change: the lab is up as described.',
  );
  if (!opts.verbose && todo.length && !opts.summary) lines.push('Run with --verbose to see every file and XML document.');
  return lines.join('\n');
}
