/**
 * The topology as Graphviz dot source: guests on the left, their networks, then the physical
 * LANs and the outside; the checks of the last verify as coloured dashed edges (one per pair of
 * nodes) that do not move the layout. Deterministic (the golden tests hold it). Pure.
 */
import { checkGroups, type CheckGroup } from './check-groups.js';
import { checkText, edgeLines, nodeLines, titleOf } from './labels.js';
import type { CheckEdge, Topology, TopologyEdge, TopologyNode } from './model.js';
import { CHECK_FAILED, CHECK_PASSED, edgeStyle, nodeStyle } from './style.js';

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

function edgeLine(e: Exclude<TopologyEdge, CheckEdge>): string {
  const s = edgeStyle(e);
  const list: Attr[] = [
    ['label', edgeLines(e)],
    ['color', s.color],
    ['fontcolor', e.kind === 'nic' ? '#222222' : s.color],
    ['penwidth', s.width],
  ];
  if (s.dashed) list.push(['style', 'dashed']);
  if (e.kind === 'nic') list.push(['dir', 'none']);
  return `  ${dotString(e.from)} -> ${dotString(e.to)} ${attrs(list)};`;
}

/**
 * The checks between two nodes as one dashed edge drawn over the topology: it does not pull the
 * guests and networks around (constraint=false), and its label is an xlabel, placed after the
 * layout where it overlaps least.
 */
function checkLine(g: CheckGroup): string {
  const s = g.ok ? CHECK_PASSED : CHECK_FAILED;
  const list: Attr[] = [
    ['xlabel', g.checks.map(checkText)],
    ['color', s.color],
    ['fontcolor', s.color],
    ['penwidth', s.width],
    ['style', 'dashed'],
    ['constraint', 'false'],
    ['arrowsize', 0.7],
  ];
  return `  ${dotString(g.from)} -> ${dotString(g.to)} ${attrs(list)};`;
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
    ...t.edges.flatMap((e) => (e.kind === 'check' ? [] : [edgeLine(e)])),
    ...checkGroups(t.edges).map(checkLine),
    '}',
  ];
  return lines.join('\n') + '\n';
}
