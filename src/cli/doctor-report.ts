/**
 * How `vlab doctor` prints: one line per check (status, title, what was seen), the fix under it,
 * then the leftovers; for a multi-host lab, each remote host's checks under its own heading.
 */
import type { DoctorReport } from '../lab/doctor.js';

type Check = DoctorReport['checks'][number];

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

/** One line per check, the fix under it (not-ok checks only with `quiet`). */
function checkLines(checks: Check[], quiet: boolean | undefined): string[] {
  const lines: string[] = [];
  const width = Math.max(...checks.map((c) => c.title.length));
  for (const c of checks) {
    if (quiet && c.status === 'ok') continue;
    lines.push(`${MARK[c.status]}  ${c.title.padEnd(width)}  ${c.seen}`);
    if (c.fix && c.status !== 'ok') lines.push(`${' '.repeat(6 + width)}  fix: ${c.fix}`);
  }
  return lines;
}

export function formatDoctor(r: DoctorReport, opts: { quiet?: boolean } = {}): string {
  const lines: string[] = [];
  if (r.hosts) lines.push('this machine', '');
  lines.push(...checkLines(r.checks, opts.quiet));
  for (const l of r.leftovers) {
    lines.push('', `Lab '${l.lab}': state ${l.state}${l.error ? ` (${l.error})` : ''}`);
    for (const o of l.objects) lines.push(`  ${o.kind.padEnd(15)} ${o.name}`);
    for (const g of l.gone) lines.push(`  gone            ${g}`);
    lines.push(`  fix: ${l.fix}`);
  }
  for (const h of r.hosts ?? []) lines.push('', `host ${h.name} (${h.destination})`, '', ...checkLines(h.checks, opts.quiet));
  const all = [...r.checks, ...(r.hosts ?? []).flatMap((h) => h.checks)];
  const n = (s: string) => all.filter((c) => c.status === s).length;
  const who = r.hosts ? "the lab's hosts cannot run it" : 'this host cannot run labs';
  lines.push('', `${n('ok')} ok, ${n('warn')} warn, ${n('fail')} fail${r.status === 'fail' ? `: ${who} until the failures are fixed (exit 3)` : ''}`);
  return lines.join('\n') + '\n';
}
