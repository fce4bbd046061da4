/**
 * Golden tests of `vlab graph`'s text formats (dot, mermaid, json) for the seed lab, a lab with a
 * bridged uplink and a three-network lab, from the lab file and as an up lab with fixed guest
 * states and verify outcomes. Update with `npm run golden:update`, then read the diff.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseLab } from '../../src/spec/load.js';
import type { Lab } from '../../src/spec/types.js';
import { deriveChecks } from '../../src/verify/checks.js';
import { topologyOf, type CheckOutcome, type LiveFacts } from '../../src/render/topology/model.js';
import { renderDot } from '../../src/render/topology/dot.js';
import { renderMermaid } from '../../src/render/topology/mermaid.js';
import { renderTopologyJson } from '../../src/render/topology/json.js';
import { assertGolden } from './helpers.js';

function labAt(relative: string): Lab {
  const file = fileURLToPath(new URL(relative, import.meta.url));
  return parseLab(readFileSync(file, 'utf8'), file);
}

const LABS: Record<string, Lab> = {
  seed: labAt('../../examples/seed.yaml'),
  uplink: labAt('../fixtures/graph/uplink.yaml'),
  multi: labAt('../fixtures/graph/multi.yaml'),
};

/** The lab's derived checks with the outcome `outcome` gives each (passed when it gives none). */
function verified(lab: Lab, outcome: (c: CheckOutcome) => string | undefined): LiveFacts['verify'] {
  const checks = deriveChecks(lab).map((c): CheckOutcome => {
    const reason = outcome({ ...c, ok: true, reason: null });
    return { from: c.from, to: c.to, address: c.address, expect: c.expect, ok: reason === undefined, reason: reason ?? null };
  });
  return { at: '2025-06-01T12:00:00Z', checks };
}

for (const [name, lab] of Object.entries(LABS)) {
  test(`graph of the ${name} lab file: dot, mermaid, json`, () => {
    const t = topologyOf(lab);
    assertGolden(`graph/${name}.dot`, renderDot(t));
    assertGolden(`graph/${name}.mmd`, renderMermaid(t));
    assertGolden(`graph/${name}.json`, renderTopologyJson(t));
  });
}

test('graph of the seed lab up: db shut off, its checks not run, the rest passed', () => {
  const lab = LABS.seed!;
  const live: LiveFacts = {
    guestStates: { web: 'running', db: 'shut off' },
    verify: verified(lab, (c) => (c.from === 'db' ? 'guest not running' : c.to === 'db' ? 'no reply' : undefined)),
  };
  const t = topologyOf(lab, live);
  assertGolden('graph/seed-live.dot', renderDot(t));
  assertGolden('graph/seed-live.mmd', renderMermaid(t));
});

test('graph of the multi lab up: web paused (its checks not run), db on an isolated network reaching out, probe blocked as expected', () => {
  const lab = LABS.multi!;
  const live: LiveFacts = {
    guestStates: { web: 'paused', db: 'running', probe: 'running' },
    verify: verified(lab, (c) => (c.from === 'web' ? 'guest not running' : c.from === 'db' && c.to.startsWith('external:') ? 'reachable (2/2 replies)' : undefined)),
  };
  const t = topologyOf(lab, live);
  assertGolden('graph/multi-live.dot', renderDot(t));
  assertGolden('graph/multi-live.mmd', renderMermaid(t));
});
