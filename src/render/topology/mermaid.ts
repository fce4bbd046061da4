/**
 * The topology as a mermaid `flowchart` (pastes into Markdown on GitHub, GitLab and most wikis):
 * the same nodes, labels and colours as the dot picture. Deterministic. Pure.
 */
import { edgeLines, nodeLines, titleOf } from './labels.js';
import type { Topology, TopologyEdge, TopologyNode } from './model.js';
import { edgeStyle, nodeStyle, type BoxStyle } from './style.js';

/** A quoted mermaid label: quotes as entities, lines joined with `<br>`. */
function label(lines: readonly string[]): string {
  const esc = (l: string) => l.replaceAll('&', '#amp;').replaceAll('"', '#quot;').replaceAll('<', '#lt;').replaceAll('>', '#gt;');
  return `"${lines.map(esc).join('<br>')}"`;
}

const OPEN_CLOSE: Record<TopologyNode['kind'], [string, string]> = { guest: ['(', ')'], network: ['{{', '}}'], outside: ['([', '])'], lan: ['[[', ']]'] };

function arrow(e: TopologyEdge): string {
  if (e.kind === 'nic') return '---';
  if (e.kind === 'check' || e.kind === 'lan-egress') return '-.->';
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
  t.edges.forEach((e) => lines.push(`  ${id(e.from)} ${arrow(e)}|${label(edgeLines(e))}| ${id(e.to)}`));
  const classes = new Map<string, { style: BoxStyle; members: string[] }>();
  for (const n of t.nodes) {
    const c = classOf(n);
    if (!classes.has(c)) classes.set(c, { style: nodeStyle(n), members: [] });
    classes.get(c)!.members.push(id(n.id));
  }
  for (const [name, c] of classes) lines.push(classDef(name, c.style), `  class ${c.members.join(',')} ${name}`);
  t.edges.forEach((e, i) => {
    const s = edgeStyle(e);
    lines.push(`  linkStyle ${i} stroke:${s.color},stroke-width:${s.width}px${e.kind === 'check' ? `,color:${s.color}` : ''}`);
  });
  return lines.join('\n') + '\n';
}
