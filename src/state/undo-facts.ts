/**
 * The undo facts a sweep needs when the journal is lost or corrupt: the ip_forward value before
 * the lab, the iptables tables the lab brought into being, and each bridged uplink's way back (which NIC, its `ip -batch` detach lines). They sit
 * in a small file of their own beside the journal (`undo-facts.json`), written before the change
 * as the journal is, so that `vlab down LAB --sweep` never deletes a bridge holding a physical NIC
 * without moving the NIC back first.
 */
import fs from 'node:fs';
import { writeFileAtomic } from '../host/atomic-write.js';
import type { ActionDetails } from '../plan/types.js';

export type UplinkUndo = Extract<ActionDetails, { kind: 'uplink.attach' }>;
export type ForwardUndo = Extract<ActionDetails, { kind: 'sysctl.forward' }>;

export type RuleUndo = Extract<ActionDetails, { kind: 'iptables.rule' }>;

export interface UndoFacts {
  version: 1;
  lab: string;
  forward?: ForwardUndo;
  uplinks: UplinkUndo[];
  /** iptables tables that did not exist before the lab's first rule in them (dropped again once empty). */
  createdTables?: string[];
}

/** The record at `file`; undefined when it is missing or unreadable (the sweep then refuses what needs it). */
export function readUndoFacts(file: string): UndoFacts | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as UndoFacts;
    return v && v.version === 1 && Array.isArray(v.uplinks) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** True when `details` holds a fact the sweep needs (ip_forward's previous value, an uplink's way back, a table the lab brings into being). */
export function isUndoFact(details: ActionDetails): details is ForwardUndo | UplinkUndo | RuleUndo {
  return details.kind === 'sysctl.forward' || details.kind === 'uplink.attach' || (details.kind === 'iptables.rule' && details.tableExisted === false);
}

/** Adds (or replaces) one fact in the record at `file`, atomically; the state dir must exist. */
export function recordUndoFact(file: string, lab: string, details: ForwardUndo | UplinkUndo | RuleUndo): void {
  const cur: UndoFacts = readUndoFacts(file) ?? { version: 1, lab, uplinks: [] };
  if (details.kind === 'iptables.rule') {
    if (cur.createdTables?.includes(details.rule.table)) return;
    cur.createdTables = [...(cur.createdTables ?? []), details.rule.table];
  } else if (details.kind === 'sysctl.forward') cur.forward = details;
  else cur.uplinks = [...cur.uplinks.filter((u) => u.bridge !== details.bridge), details];
  writeFileAtomic(file, JSON.stringify(cur, null, 2) + '\n');
}
