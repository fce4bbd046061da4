/**
 * The first line of every file `vlab persist` writes. `down` and `unpersist` remove a persisted
 * file only while it still starts with this line, so a file vlab did not write is never removed.
 * Pure.
 */
import { labTag } from '../plan/tags.js';

/** Where the persisted files live (fixed: these are the paths the host's boot reads). */
export const SYSTEMD_DIR = '/etc/systemd/system';
export const INTERFACES_D = '/etc/network/interfaces.d';
export const IPTABLES_DIR = '/etc/iptables';
/** Every folder `vlab persist` writes into (the unit's enable link lives in multi-user.target.wants). */
export const PERSIST_DIRS = [SYSTEMD_DIR, `${SYSTEMD_DIR}/multi-user.target.wants`, INTERFACES_D, IPTABLES_DIR];

/** vlab's marker header line for a file persisted for `lab` (no newline). */
export function markerLine(lab: string): string {
  return `# Written by vlab for lab ${lab} (${labTag(lab)}); \`vlab unpersist ${lab}\` or \`vlab down ${lab}\` removes it. Do not edit.`;
}

/** True when `content` is a file vlab persisted for `lab`: its first line is the marker. */
export function isVlabFile(content: string, lab: string): boolean {
  return content.startsWith(markerLine(lab) + '\n');
}

/** The lab a persisted file was written for, from its marker line; undefined when it has none. */
export function markerLab(content: string): string | undefined {
  const m = /^# Written by vlab for lab ([a-z][a-z0-9-]{0,15}) \(vlab:\1\);/.exec(content);
  return m?.[1];
}
