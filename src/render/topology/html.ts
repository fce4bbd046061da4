/**
 * The topology as ONE self-contained HTML page: the SVG picture inline, a legend, the guests'
 * interfaces and (for an up lab) the last verify's checks as tables, and a little CSS. No script,
 * no external URL: it opens from a file in any browser and can be mailed or attached. Pure.
 */
import { checkOutcome, edgeLines, nodeLines } from './labels.js';
import type { CheckEdge, GuestNode, NicEdge, Topology } from './model.js';
import { CHECK_FAILED, CHECK_PASSED, LEGEND, nodeStyle, type BoxStyle, type LineStyle } from './style.js';

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/**
 * Graphviz's SVG document as an element for the page: without the XML prologue, the doctype and
 * the namespace declarations (the HTML parser knows <svg>), so the page names no URL at all.
 */
export function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  if (start < 0) return '';
  return svg
    .slice(start)
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .trim();
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; margin: 1.5rem; color: #222; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; font-size: .9rem; }
.swatch { display: inline-block; width: 1.6em; height: 1em; vertical-align: middle; margin-right: .4em; border-radius: 3px; }
.line { display: inline-block; width: 1.6em; vertical-align: middle; margin-right: .4em; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
th { background: #f3f3f3; }
td.mono { font-family: ui-monospace, Menlo, Consolas, monospace; }
.ok { color: ${CHECK_PASSED.color}; }
.fail { color: ${CHECK_FAILED.color}; font-weight: bold; }
footer { margin-top: 2rem; color: #777; font-size: .8rem; }
`;

function swatch(s: BoxStyle): string {
  return `<span class="swatch" style="background:${s.fill};border:1px ${s.dashed ? 'dashed' : 'solid'} ${s.stroke}"></span>`;
}

function line(s: LineStyle): string {
  return `<span class="line" style="border-top:2px ${s.dashed ? 'dashed' : 'solid'} ${s.color}"></span>`;
}

function legend(t: Topology): string {
  const items = LEGEND.filter((l) => !l.only || l.only === t.source).map((l) => `<li>${swatch(l.style)}${escapeHtml(l.label)}</li>`);
  if (t.source === 'live') items.push(`<li>${line(CHECK_PASSED)}check passed</li>`, `<li>${line(CHECK_FAILED)}check failed</li>`);
  return `<ul class="legend">\n${items.join('\n')}\n</ul>`;
}

function interfacesTable(t: Topology): string {
  const live = t.source === 'live';
  const guests = new Map(t.nodes.filter((n): n is GuestNode => n.kind === 'guest').map((g) => [g.id, g]));
  const rows = t.edges
    .filter((e): e is NicEdge => e.kind === 'nic')
    .map((e) => {
      const g = guests.get(e.from)!;
      const cells = [
        `<td>${swatch(nodeStyle(g))}${escapeHtml(g.name)}</td>`,
        ...(live ? [`<td>${escapeHtml(g.state ?? '-')}</td>`] : []),
        `<td class="mono">${escapeHtml(e.ifname)}</td>`,
        `<td class="mono">${escapeHtml(e.mac)}</td>`,
        `<td>${escapeHtml(e.to.replace(/^net:/, ''))}</td>`,
        `<td class="mono">${escapeHtml(edgeLines(e)[1]!)}</td>`,
      ];
      return `<tr>${cells.join('')}</tr>`;
    });
  const head = ['guest', ...(live ? ['state'] : []), 'NIC', 'MAC', 'network', 'address'].map((h) => `<th>${h}</th>`).join('');
  return `<table>\n<tr>${head}</tr>\n${rows.join('\n')}\n</table>`;
}

function checksTable(t: Topology): string {
  const names = new Map(t.nodes.map((n) => [n.id, nodeLines(n)[0]!]));
  const rows = t.edges
    .filter((e): e is CheckEdge => e.kind === 'check')
    .map((e) => {
      const cells = [
        `<td>${escapeHtml(names.get(e.from) ?? e.from)}</td>`,
        `<td>${escapeHtml(e.target)}</td>`,
        `<td class="mono">${escapeHtml(e.address)}</td>`,
        `<td>${escapeHtml(e.expect)}</td>`,
        `<td class="${e.ok ? 'ok' : 'fail'}">${escapeHtml(checkOutcome(e))}</td>`,
      ];
      return `<tr>${cells.join('')}</tr>`;
    });
  return `<table>\n<tr><th>from</th><th>to</th><th>address</th><th>expect</th><th>result</th></tr>\n${rows.join('\n')}\n</table>`;
}

/** The page for `t`, around `svg` (the picture renderSvg made of the same topology). */
export function renderHtml(t: Topology, svg: string): string {
  const sections = [`<h2>Legend</h2>\n${legend(t)}`, `<h2>Interfaces</h2>\n${interfacesTable(t)}`];
  if (t.verify) sections.push(`<h2>Last verify (${escapeHtml(t.verify.at)}): ${t.verify.passed} of ${t.verify.total} passed</h2>\n${checksTable(t)}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vlab graph: lab ${escapeHtml(t.lab)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Lab ${escapeHtml(t.lab)}</h1>
<figure>
${inlineSvg(svg)}
</figure>
${sections.join('\n')}
<footer>Drawn by vlab graph.</footer>
</body>
</html>
`;
}
