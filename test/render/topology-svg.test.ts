/** SVG through @viz-js/viz: well-formed XML naming every guest, network, address and MAC; the WebAssembly module is loaded lazily. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import xml2js from 'xml2js';
import { parseLab } from '../../src/spec/load.js';
import type { Lab } from '../../src/spec/types.js';
import { topologyOf } from '../../src/render/topology/model.js';
import { renderDot } from '../../src/render/topology/dot.js';
import { renderSvg } from '../../src/render/topology/svg.js';
import { BugError } from '../../src/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LABS = ['examples/seed.yaml', 'test/fixtures/graph/uplink.yaml', 'test/fixtures/graph/multi.yaml'].map((f): Lab => {
  const file = path.join(ROOT, f);
  return parseLab(fs.readFileSync(file, 'utf8'), file);
});

/** Every text of every <text> element of the parsed SVG. */
function texts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) texts(n, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'text') for (const t of value as unknown[]) out.push(typeof t === 'string' ? t : String((t as { _?: string })._ ?? ''));
      else if (key !== '$') texts(value, out);
    }
  }
  return out;
}

for (const lab of LABS) {
  test(`svg of lab ${lab.name}: well-formed, names every guest, network, address and MAC`, async () => {
    const svg = await renderSvg(renderDot(topologyOf(lab)));
    const doc = (await xml2js.parseStringPromise(svg)) as { svg?: { $: Record<string, string> } };
    assert.ok(doc.svg, 'the document element is <svg>');
    assert.match(doc.svg.$.viewBox ?? '', /^[\d.]+ [\d.]+ [\d.]+ [\d.]+$/);
    const all = texts(doc).join('\n');
    const wanted = [
      ...lab.guests.map((g) => g.name),
      ...lab.networks.flatMap((n) => [n.name, n.bridge, ...(n.cidr ? [n.cidr] : [])]),
      ...lab.guests.flatMap((g) => g.interfaces.flatMap((i) => [i.mac, ...(i.address ? [i.address] : [])])),
    ];
    for (const w of wanted) assert.ok(all.includes(w), `the picture of ${lab.name} names ${w}`);
  });
}

test('dot that Graphviz rejects is a BugError (vlab made the dot)', async () => {
  await assert.rejects(renderSvg('digraph { a -> }'), (e: unknown) => e instanceof BugError && /Graphviz could not lay out/.test(e.message));
});

test('@viz-js/viz is imported lazily: no module imports it statically (only `import type`)', () => {
  const src = path.join(ROOT, 'src');
  const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const dynamic: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(src, f), 'utf8');
    assert.doesNotMatch(text, /^import\s+(?!type\b)[^;]*from\s+['"]@viz-js\/viz['"]/m, `src/${f} imports @viz-js/viz statically`);
    if (/import\(\s*['"]@viz-js\/viz['"]\s*\)/.test(text)) dynamic.push(f);
  }
  assert.deepEqual(dynamic, [path.join('render', 'topology', 'svg.ts')]);
});
