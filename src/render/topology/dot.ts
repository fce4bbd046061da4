/**
 * The topology as Graphviz dot source: guests on the left, their networks, then the physical
 * LANs and the outside; the checks of the last verify as coloured dashed edges that do not move
 * the layout. Deterministic (the golden tests hold it). Pure.
 */
import { edgeLines, nodeLines, titleOf } from './labels.js';
import type { Topology, TopologyEdge, TopologyNode } from './model.js';
import { edgeStyle, nodeStyle } from './style.js';

const FONT = 'Helvetica,Arial,sans-serif';

/** A dot double-quoted string: backslashes and quotes escaped, lines joined with `\n`. */
export function dotString(lines: string | readonly string[]): string {
  const text = (typeof lines === 'string' ? [lines] : lines).map((l) => l.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', ' ')).join('\\n');
  return `"${text}"`;
}

type Attr = [name: string, value: string | number | readonly string[]];

function attrs(list: Attr[]): string {
  return `[${list.map(([k, v]) => `${k}=${typeof v === 'number' ? v : dotString(v)}`).join(', ')}]`;
}

const SHAPES: Record<TopologyNode['kind'], string> = { guest: 'box', network: 'hexagon', outside: 'ellipse', lan: 'box' };

function nodeLine(n: TopologyNode): string {
  const s = nodeStyle(n);
  const style = [n.kind === 'guest' || n.kind === 'lan' ? 'rounded' : '', 'filled', s.dashed ? 'dashed' : ''].filter(Boolean).join(',');
  const list: Attr[] = [
    ['label', nodeLines(n)],
    ['shape', SHAPES[n.kind]],
    ['style', style],
    ['fillcolor', s.fill],
    ['color', s.stroke],
    ['penwidth', n.kind === 'network' ? 2 : 1.2],
  ];
  return `  ${dotString(n.id)} ${attrs(list)};`;
}

function edgeLine(e: TopologyEdge): string {
  const s = edgeStyle(e);
  const list: Attr[] = [
    ['label', edgeLines(e)],
    ['color', s.color],
    ['fontcolor', e.kind === 'nic' ? '#222222' : s.color],
    ['penwidth', s.width],
  ];
  if (s.dashed) list.push(['style', 'dashed']);
  if (e.kind === 'nic') list.push(['dir', 'none']);
  // A check is drawn over the topology: it must not pull the guests and networks around.
  if (e.kind === 'check') list.push(['constraint', 'false'], ['arrowsize', 0.7]);
  return `  ${dotString(e.from)} -> ${dotString(e.to)} ${attrs(list)};`;
}

export function renderDot(t: Topology): string {
  const lines = [
    `digraph ${dotString(`vlab-${t.lab}`)} {`,
    `  graph ${attrs([
      ['label', titleOf(t)],
      ['labelloc', 't'],
      ['rankdir', 'LR'],
      ['nodesep', 0.4],
      ['ranksep', 1.1],
      ['fontname', FONT],
      ['fontsize', 14],
    ])};`,
    `  node ${attrs([
      ['fontname', FONT],
      ['fontsize', 11],
      ['margin', '0.15,0.08'],
    ])};`,
    `  edge ${attrs([
      ['fontname', FONT],
      ['fontsize', 9],
    ])};`,
    ...t.nodes.map(nodeLine),
    ...t.edges.map(edgeLine),
    '}',
  ];
  return lines.join('\n') + '\n';
}
