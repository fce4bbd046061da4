/** How `vlab doctor` prints: one line per check (status, title, what was seen), the fix under it, then the leftovers. */
import type { DoctorReport } from '../lab/doctor.js';

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function formatDoctor(r: DoctorReport, opts: { quiet?: boolean } = {}): string {
  const lines: string[] = [];
  const width = Math.max(...r.checks.map((c) => c.title.length));
  for (const c of r.checks) {
    if (opts.quiet && c.status === 'ok') continue;
    lines.push(`${MARK[c.status]}  ${c.title.padEnd(width)}  ${c.seen}`);
    if (c.fix && c.status !== 'ok') lines.push(`${' '.repeat(6 + width)}  fix: ${c.fix}`);
  }
  for (const l of r.leftovers) {
    lines.push('', `Lab '${l.lab}': state ${l.state}${l.error ? ` (${l.error})` : ''}`);
    for (const o of l.objects) lines.push(`  ${o.kind.padEnd(15)} ${o.name}`);
    for (const g of l.gone) lines.push(`  gone            ${g}`);
    lines.push(`  fix: ${l.fix}`);
  }
  const n = (s: string) => r.checks.filter((c) => c.status === s).length;
  lines.push('', `${n('ok')} ok, ${n('warn')} warn, ${n('fail')} fail${r.status === 'fail' ? ': this host cannot run labs until the failures are fixed (exit 3)' : ''}`);
  return lines.join('\n') + '\n';
}
