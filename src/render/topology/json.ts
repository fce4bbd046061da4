/** The topology as the `--format json` document: the model itself (its shape is documented in docs/graph.md). Pure. */
import type { Topology } from './model.js';

export function renderTopologyJson(t: Topology): string {
  return JSON.stringify(t, null, 2) + '\n';
}
