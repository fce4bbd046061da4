/**
 * A lab's tagged iptables rules in iptables-restore format, for `iptables-restore --noflush`
 * (which adds them and leaves every other rule alone). Only the rules in the lab's journal, in
 * journal order (the order `up` made them, so `-I` rules end up in the same order). Pure.
 */
import { labTag } from '../plan/tags.js';
import path from 'node:path';
import type { IptablesRule } from '../plan/types.js';
import { IPTABLES_DIR, markerLine } from './marker.js';

export function rulesPath(lab: string): string {
  return path.posix.join(IPTABLES_DIR, `vlab-${lab}.rules`);
}

/** One argument as iptables-restore reads it: double-quoted when it holds whitespace or quotes. */
export function restoreWord(word: string): string {
  if (word !== '' && !/[\s"'\\]/.test(word)) return word;
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function renderRules(lab: string, rules: IptablesRule[]): string {
  const tables: string[] = [];
  for (const r of rules) if (!tables.includes(r.table)) tables.push(r.table);
  const lines = [
    markerLine(lab),
    `# The iptables rules of lab ${lab} (tagged ${labTag(lab)}) for \`iptables-restore --noflush\`:`,
    '# adds them and changes no other rule. Loaded at boot by the pre-up line of',
    `# /etc/network/interfaces.d/vlab-${lab}.`,
  ];
  for (const t of tables) {
    lines.push(`*${t}`);
    for (const r of rules.filter((x) => x.table === t)) lines.push([r.position === 'insert' ? '-I' : '-A', r.chain, ...r.spec].map(restoreWord).join(' '));
    lines.push('COMMIT');
  }
  return lines.join('\n') + '\n';
}
