/**
 * The checks of the last verify, one group per (from guest, to node) pair: the picture draws one
 * edge per group, labelled with each check, so two pings between the same nodes (a guest's two
 * addresses, say) do not stack their labels. Pure.
 */
import type { CheckEdge, TopologyEdge } from './model.js';

export interface CheckGroup {
  from: string;
  to: string;
  checks: CheckEdge[];
  /** Every check of the group passed. */
  ok: boolean;
}

/** The check edges of `edges` grouped by (from, to), in the order each pair first appears. */
export function checkGroups(edges: readonly TopologyEdge[]): CheckGroup[] {
  const groups = new Map<string, CheckGroup>();
  for (const e of edges) {
    if (e.kind !== 'check') continue;
    const key = `${e.from}\u0000${e.to}`;
    const g = groups.get(key) ?? { from: e.from, to: e.to, checks: [], ok: true };
    g.checks.push(e);
    g.ok &&= e.ok;
    groups.set(key, g);
  }
  return [...groups.values()];
}
