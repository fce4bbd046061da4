/**
 * dot source → SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no system package, no
 * subprocess. The module (about 1.2 MB of JavaScript) is imported on first use only, so nothing
 * but `vlab graph --format svg|html` ever loads it. Pure computation.
 */
import type { Viz } from '@viz-js/viz';
import { BugError } from '../../errors.js';

let viz: Promise<Viz> | undefined;

/** The SVG document Graphviz lays out for `dot` (with the `dot` engine). */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    // The dot comes from renderDot: Graphviz rejecting it is a bug in vlab, not in the lab.
    throw new BugError(`Graphviz could not lay out the topology: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}
