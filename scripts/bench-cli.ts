/**
 * Benchmark helper: start-up time of the vlab CLI (bin/vlab.js) as whole processes, each run
 * paired with a `node -e 0` run right before it (A B A B ...), so that the ratio to bare Node is
 * taken pair by pair and holds when the machine's speed drifts.
 */
import { execa } from 'execa';
import path from 'node:path';
import { REPO } from '../test/integration/helpers/env.js';
import { median } from './bench-stats.js';

/** One command's start-up figures. */
export interface CliTiming {
  command: string;
  runs: number[];
  medianSec: number;
  /** Median of the per-pair ratios to `node -e 0`. */
  vsNodeMedian: number;
  exitCode: number | undefined;
}

async function wall(cmd: string, args: string[]): Promise<{ secs: number; exitCode: number | undefined }> {
  const t0 = performance.now();
  const r = await execa(cmd, args, { cwd: REPO, reject: false, timeout: 60_000 });
  return { secs: (performance.now() - t0) / 1000, exitCode: r.exitCode };
}

/** Times `node bin/vlab.js ARGS` `runs` times (after one warm-up), each paired with `node -e 0`. */
export async function timeCli(label: string, args: string[], runs: number): Promise<CliTiming> {
  const vlab = path.join(REPO, 'bin', 'vlab.js');
  await wall('node', [vlab, ...args]);
  const times: number[] = [];
  const ratios: number[] = [];
  let exitCode: number | undefined;
  for (let i = 0; i < runs; i++) {
    const base = await wall('node', ['-e', '0']);
    const r = await wall('node', [vlab, ...args]);
    exitCode = r.exitCode;
    times.push(r.secs);
    ratios.push(r.secs / base.secs);
  }
  return { command: label, runs: times, medianSec: median(times), vsNodeMedian: median(ratios), exitCode };
}

/** Times bare `node -e 0` `runs` times (after one warm-up). */
export async function timeNode(runs: number): Promise<CliTiming> {
  await wall('node', ['-e', '0']);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await wall('node', ['-e', '0'])).secs);
  return { command: 'node -e 0', runs: times, medianSec: median(times), vsNodeMedian: 1, exitCode: 0 };
}
