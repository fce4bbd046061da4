/** Process liveness as /proc shows it. */
import fs from 'node:fs';

/** True while `pid` exists and is not a zombie (a killed child not yet reaped counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
