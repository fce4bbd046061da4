/**
 * The topology as a mermaid `flowchart` (pastes into Markdown on GitHub, GitLab and most wikis):
 * the same nodes, labels and colours as the dot picture. Deterministic. Pure.
 */
import { checkGroups } from './check-groups.js';
import { checkText, edgeLines, nodeLines, titleOf } from './labels.js';
import type { CheckEdge, Topology, TopologyEdge, TopologyNode } from './model.js';
import { CHECK_FAILED, CHECK_PASSED, edgeStyle, nodeStyle, type BoxStyle, type LineStyle } from './style.js';

/** A quoted mermaid label: quotes as entities, lines joined with `<br>`. */
function label(lines: readonly string[]): string {
  const esc = (l: string) => l.replaceAll('&', '#amp;').replaceAll('"', '#quot;').replaceAll('<', '#lt;').replaceAll('>', '#gt;');
  return `"${lines.map(esc).join('<br>')}"`;
}

const OPEN_CLOSE: Record<TopologyNode['kind'], [string, string]> = { guest: ['(', ')'], network: ['{{', '}}'], outside: ['([', '])'], lan: ['[[', ']]'] };

function arrow(e: Exclude<TopologyEdge, CheckEdge>): string {
  if (e.kind === 'nic') return '---';
  if (e.kind === 'lan-egress') return '-.->';
  return '==>';
}

/** Mermaid node ids: the model id with every character but letters and digits as `_`, made unique. */
function idsOf(nodes: readonly TopologyNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const n of nodes) {
    const base = n.id.replace(/[^A-Za-z0-9]/g, '_');
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(n.id, id);
  }
  return ids;
}

function classDef(name: string, s: BoxStyle): string {
  return `  classDef ${name} fill:${s.fill},stroke:${s.stroke},stroke-width:${name.startsWith('net') ? 2 : 1}px${s.dashed ? ',stroke-dasharray:5 3' : ''}`;
}

/** The class of a node: its kind and what colours it (`guest_running`, `net_nat`, ...). */
function classOf(n: TopologyNode): string {
  if (n.kind === 'guest') return `guest_${(n.status ?? 'file').replace(' ', '_')}`;
  if (n.kind === 'network') return `net_${n.mode}`;
  return `${n.kind}_box`;
}

export function renderMermaid(t: Topology): string {
  const ids = idsOf(t.nodes);
  const id = (modelId: string) => ids.get(modelId) ?? modelId.replace(/[^A-Za-z0-9]/g, '_');
  // The front matter's title is a YAML double-quoted string (JSON is one).
  const lines = ['---', `title: ${JSON.stringify(titleOf(t))}`, '---', 'flowchart LR'];
  for (const n of t.nodes) {
    const [open, close] = OPEN_CLOSE[n.kind];
    lines.push(`  ${id(n.id)}${open}${label(nodeLines(n))}${close}`);
  }
  // Links in the order linkStyle numbers them: the topology's edges, then one per group of checks.
  type Link = { from: string; to: string; arrow: string; lines: string[]; style: LineStyle; nic: boolean };
  const links: Link[] = [
    ...t.edges.flatMap((e): Link[] => (e.kind === 'check' ? [] : [{ from: e.from, to: e.to, arrow: arrow(e), lines: edgeLines(e), style: edgeStyle(e), nic: e.kind === 'nic' }])),
    ...checkGroups(t.edges).map((g): Link => ({ from: g.from, to: g.to, arrow: '-.->', lines: g.checks.map(checkText), style: g.ok ? CHECK_PASSED : CHECK_FAILED, nic: false })),
  ];
  for (const l of links) lines.push(`  ${id(l.from)} ${l.arrow}|${label(l.lines)}| ${id(l.to)}`);
  const classes = new Map<string, { style: BoxStyle; members: string[] }>();
  for (const n of t.nodes) {
    const c = classOf(n);
    if (!classes.has(c)) classes.set(c, { style: nodeStyle(n), members: [] });
    classes.get(c)!.members.push(id(n.id));
  }
  for (const [name, c] of classes) lines.push(classDef(name, c.style), `  class ${c.members.join(',')} ${name}`);
  // As in the dot picture, a label has its line's colour (but a NIC's, which stays dark).
  links.forEach((l, i) => lines.push(`  linkStyle ${i} stroke:${l.style.color},stroke-width:${l.style.width}px${l.nic ? '' : `,color:${l.style.color}`}`));
  return lines.join('\n') + '\n';
}
