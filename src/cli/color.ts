/** Whether to colour stdout: ansis's detection (a terminal, NO_COLOR, FORCE_COLOR, --no-color), and --no-color always wins. */
import ansis from 'ansis';
import type { GlobalOptions } from './context.js';

export function useColor(g: GlobalOptions): boolean {
  return g.color !== false && ansis.level > 0;
}
