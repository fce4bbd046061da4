/**
 * The human report of `vlab verify`: a matrix of source guests (rows) by targets (columns), the
 * failures with their reasons, and a one-line total. Pure.
 */
import { Ansis } from 'ansis';
import stringWidth from 'string-width';
import type { Lab } from '../spec/types.js';
import type { CheckTarget } from './checks.js';
import { summarize, type CheckResult } from './result.js';

export interface MatrixOptions {
  /** Use ANSI colours (the CLI decides: a terminal, NO_COLOR, FORCE_COLOR, --no-color). */
  color: boolean;
}

type Paint = (text: string) => string;

export const LEGEND = 'legend: ✓ pass  ✗ fail  ! could not run  reach = expected reachable  block = expected unreachable  - = no check';

const GAP = '  ';
const TARGET_RANK: Record<CheckTarget, number> = { guest: 0, gateway: 1, external: 2, address: 3 };

interface Column {
  key: string;
  header: string;
  rank: number;
  sub: number;
  seen: number;
}

/** The text of one matrix cell, without color: `✓ reach`, `✗ block`, `! reach`, ... */
export function cellText(r: CheckResult): string {
  const mark = r.notRun ? '!' : r.ok ? '✓' : '✗';
  return `${mark} ${r.expect === 'reachable' ? 'reach' : 'block'}`;
}

export function renderMatrix(lab: Lab, results: readonly CheckResult[], opts: MatrixOptions): string {
  // ansis at level 0 returns the text as is: one code path with and without colour.
  const c = new Ansis(opts.color ? 1 : 0);
  const ANSI = { green: c.green, red: c.red, yellow: c.yellow, dim: c.dim, bold: c.bold };
  const paint = (code: Paint | undefined, text: string): string => (code && text ? code(text) : text);
  const summary = summarize(results);
  const total = `Results: ${summary.passed}/${summary.total} checks passed`;
  if (results.length === 0) return `No checks to run.\n${total}\n`;

  // Columns: guests (lab order), gateways (network order), external targets (verify.external order), other addresses.
  const addressesPerLabel = new Map<string, Set<string>>();
  for (const r of results) addressesPerLabel.set(r.to, (addressesPerLabel.get(r.to) ?? new Set()).add(r.address));
  const columns = new Map<string, Column>();
  results.forEach((r, seen) => {
    const key = `${r.to}\u0000${r.address}`;
    if (columns.has(key)) return;
    const header = r.to === r.address || addressesPerLabel.get(r.to)!.size === 1 ? r.to : `${r.to}@${r.address}`;
    columns.set(key, { key, header, rank: TARGET_RANK[r.target], sub: subOrder(lab, r), seen });
  });
  const cols = [...columns.values()].sort((a, b) => a.rank - b.rank || a.sub - b.sub || a.seen - b.seen);

  // Rows: source guests in lab order, then any others in order of appearance.
  const rowNames = [...new Set(results.map((r) => r.from))];
  const guestIndex = (name: string): number => {
    const i = lab.guests.findIndex((g) => g.name === name);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  rowNames.sort((a, b) => guestIndex(a) - guestIndex(b));

  const cell = new Map<string, CheckResult>();
  for (const r of results) cell.set(`${r.from}\u0000${r.to}\u0000${r.address}`, r);

  const labelWidth = Math.max(...rowNames.map(width), 0);
  const colWidth = cols.map((c) => Math.max(width(c.header), width('✓ block')));
  const lines: string[] = [];
  const row = (label: string, cells: { text: string; code?: Paint }[], labelCode?: Paint): string => {
    const parts = [pad(label, labelWidth, paint(labelCode, label))];
    cells.forEach((cell, i) => parts.push(pad(cell.text, colWidth[i]!, paint(cell.code, cell.text))));
    return parts.join(GAP).trimEnd();
  };

  lines.push(
    row(
      '',
      cols.map((col) => ({ text: col.header, code: ANSI.bold })),
    ),
  );
  for (const from of rowNames) {
    const cells = cols.map((col) => {
      const r = cell.get(`${from}\u0000${col.key}`);
      if (!r) return { text: '-', code: ANSI.dim };
      return { text: cellText(r), code: r.notRun ? ANSI.yellow : r.ok ? ANSI.green : ANSI.red };
    });
    lines.push(row(from, cells, ANSI.bold));
  }
  lines.push('', LEGEND);

  const failures = results.filter((r) => !r.ok);
  if (failures.length > 0) {
    lines.push('', paint(ANSI.red, `Failures (${failures.length}):`));
    for (const r of failures) {
      const target = r.to === r.address ? r.to : `${r.to} (${r.address})`;
      const text = `${r.notRun ? '!' : '✗'} ${r.from} -> ${target}: expected ${r.expect}, ${r.notRun ? 'not run' : 'got'}: ${r.reason ?? (r.reachable ? 'reachable' : 'unreachable')}`;
      lines.push('  ' + paint(r.notRun ? ANSI.yellow : ANSI.red, text));
    }
  }
  lines.push('', paint(summary.failed === 0 ? ANSI.green : ANSI.red, total));
  return lines.join('\n') + '\n';
}

/** Order of a target within its kind, after the lab's own order. */
function subOrder(lab: Lab, r: CheckResult): number {
  const at = (i: number): number => (i < 0 ? Number.MAX_SAFE_INTEGER : i);
  switch (r.target) {
    case 'guest': {
      const g = lab.guests.findIndex((x) => x.name === r.to);
      const i = lab.guests[g]?.interfaces.findIndex((iface) => iface.address === r.address) ?? -1;
      return g < 0 ? Number.MAX_SAFE_INTEGER : g * 1000 + (i < 0 ? 999 : i);
    }
    case 'gateway':
      return at(lab.networks.findIndex((n) => `gateway:${n.name}` === r.to));
    case 'external':
      return at(lab.verify.external.indexOf(r.address));
    default:
      return Number.MAX_SAFE_INTEGER;
  }
}

/** Display width in terminal columns (wide characters count 2). */
function width(text: string): number {
  return stringWidth(text);
}

/** Pads `shown` (the colored form of `plain`) to `w` columns measured on `plain`. */
function pad(plain: string, w: number, shown: string): string {
  return shown + ' '.repeat(Math.max(0, w - width(plain)));
}
