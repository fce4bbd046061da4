/**
 * The last verify of an up lab, kept in its state dir as verify.json (the `vlab verify --json`
 * document) for `vlab graph`; `down` removes it with the state dir.
 */
import fs from 'node:fs';
import { writeFileAtomic } from '../host/atomic-write.js';
import type { LabPaths } from '../plan/paths.js';
import type { VerifyJson } from '../verify/report-json.js';

/** Keeps `doc` as the lab's verify.json (atomically: a reader sees the old or the new one). */
export function saveVerifyRecord(paths: LabPaths, doc: VerifyJson): void {
  writeFileAtomic(paths.verify, JSON.stringify(doc, null, 2) + '\n');
}

export interface VerifyRecord {
  doc: VerifyJson;
  /** When it was written (ISO 8601, UTC, to the second). */
  at: string;
}

/**
 * The lab's last verify: undefined when there is none, a problem (why it cannot be used) when the
 * file is unreadable or not a verify document.
 */
export function loadVerifyRecord(paths: LabPaths): VerifyRecord | { problem: string } | undefined {
  let text: string;
  let at: string;
  try {
    text = fs.readFileSync(paths.verify, 'utf8');
    at = fs
      .statSync(paths.verify)
      .mtime.toISOString()
      .replace(/\.\d+Z$/, 'Z');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { problem: `cannot read ${paths.verify}: ${(e as Error).message}` };
  }
  try {
    const doc = JSON.parse(text) as VerifyJson;
    if (doc && typeof doc === 'object' && Array.isArray(doc.checks)) return { doc, at };
  } catch {
    // reported below
  }
  return { problem: `${paths.verify} is not a vlab verify document` };
}
