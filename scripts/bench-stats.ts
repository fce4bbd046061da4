/**
 * Small helpers shared by the benchmark scripts: median, ratio text, the machine's load.
 */
import { readFile } from 'node:fs/promises';

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** "2.31x" (or "n/a" when either side is missing or zero). */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  return `${(a / b).toFixed(2)}x`;
}

/** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them ("1.66 0.74 0.40"). */
export async function loadAverage(): Promise<string> {
  const text = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  return text.split(' ').slice(0, 3).join(' ');
}
