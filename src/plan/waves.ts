/** The wave algorithm: which actions may run together. Pure; the planner shows it, the apply step runs it. */
import type { Action } from './types.js';

/**
 * Groups `actions` into waves: every action in a wave depends only on actions in `done` or in
 * earlier waves, so the actions of one wave may run in parallel. Throws on a dependency that can
 * never be met (a cycle, or an action missing from both).
 */
export function waveOrder<A extends Pick<Action, 'id' | 'dependsOn'>>(actions: readonly A[], done: ReadonlySet<string> = new Set()): A[][] {
  const met = new Set(done);
  let left = [...actions];
  const out: A[][] = [];
  while (left.length) {
    const wave = left.filter((a) => a.dependsOn.every((d) => met.has(d)));
    if (!wave.length) throw new Error(`dependency cycle among ${left.map((a) => a.id).join(', ')}`);
    out.push(wave);
    for (const a of wave) met.add(a.id);
    left = left.filter((a) => !wave.includes(a));
  }
  return out;
}
