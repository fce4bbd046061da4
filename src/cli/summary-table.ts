/** The table `up` ends with: guest, addresses, state, console log. Pure. */
import type { Lab } from '../spec/types.js';
import type { ReadyResult } from '../apply/readiness.js';
import { consoleLogPath, type LabPaths } from '../plan/paths.js';
import { table } from './table.js';

export function renderSummaryTable(lab: Lab, ready: ReadyResult[], paths: LabPaths): string {
  const rows = [['GUEST', 'ADDRESSES', 'STATE', 'BOOT', 'CONSOLE LOG']];
  for (const g of lab.guests) {
    const r = ready.find((x) => x.guest === g.name);
    rows.push([
      g.name,
      r ? r.addresses.join(', ') : g.interfaces.map((i) => i.address ?? (i.unconfigured ? 'none' : 'dhcp')).join(', '),
      r ? 'ready' : 'running',
      r ? `${r.readySec.toFixed(1)}s` : '-',
      consoleLogPath(paths, g.name),
    ]);
  }
  return table(rows);
}
