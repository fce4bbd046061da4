/** docs/graph.md shows the seed lab's mermaid exactly as `vlab graph` prints it (the golden), and names every format. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GRAPH_FORMATS } from '../../src/render/topology/formats.js';

const doc = readFileSync(new URL('../../docs/graph.md', import.meta.url), 'utf8');

test('docs/graph.md: the seed example is the golden mermaid', () => {
  const golden = readFileSync(new URL('../golden/graph/seed.mmd', import.meta.url), 'utf8');
  const block = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.equal(block, golden, 'update the example in docs/graph.md from test/golden/graph/seed.mmd');
});

test('docs/graph.md: every format has a row', () => {
  for (const f of GRAPH_FORMATS) assert.match(doc, new RegExp(`^\\| \`${f}\` \\|`, 'm'), f);
});
