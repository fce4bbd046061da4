/** The text renderers' details the goldens do not show: escaping, unique mermaid ids, labels, and formats by file name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dotString, renderDot } from '../../src/render/topology/dot.js';
import { renderMermaid } from '../../src/render/topology/mermaid.js';
import { renderTopologyJson } from '../../src/render/topology/json.js';
import { checkText, titleOf } from '../../src/render/topology/labels.js';
import { formatOfFile, isGraphFormat } from '../../src/render/topology/formats.js';
import type { CheckEdge, Topology } from '../../src/render/topology/model.js';

test('dot strings escape backslashes and quotes and join lines with \\n', () => {
  assert.equal(dotString('plain'), '"plain"');
  assert.equal(dotString(['a "b"', 'c\\d']), '"a \\"b\\"\\nc\\\\d"');
  assert.equal(dotString('two\nlines'), '"two lines"');
});

/** A hand-made topology with awkward names: two LANs whose ids differ only in punctuation. */
const AWKWARD: Topology = {
  version: 1,
  lab: 'odd',
  source: 'file',
  verify: null,
  nodes: [
    { id: 'net:lan', kind: 'network', name: 'lan', bridge: 'br0', cidr: null, gateway: null, nat: false, uplink: 'eth0.1', mode: 'uplink' },
    { id: 'net:lan2', kind: 'network', name: 'lan2', bridge: 'br1', cidr: null, gateway: null, nat: false, uplink: 'eth0_1', mode: 'uplink' },
    { id: 'lan:eth0.1', kind: 'lan', nic: 'eth0.1' },
    { id: 'lan:eth0_1', kind: 'lan', nic: 'eth0_1' },
    { id: 'guest:say-"hi"', kind: 'guest', name: 'say-"hi"<b>', image: 'tiny', memory: 256, vcpus: 2, state: null, status: null },
  ],
  edges: [
    { id: 'uplink:lan', kind: 'uplink', from: 'net:lan', to: 'lan:eth0.1', nic: 'eth0.1' },
    { id: 'uplink:lan2', kind: 'uplink', from: 'net:lan2', to: 'lan:eth0_1', nic: 'eth0_1' },
  ],
};

test('mermaid: ids made of letters, digits and _ and unique; quotes and angle brackets as entities', () => {
  const m = renderMermaid(AWKWARD);
  assert.match(m, /^ {2}lan_eth0_1\[\["physical LAN<br>via eth0\.1"\]\]$/m);
  assert.match(m, /^ {2}lan_eth0_1_2\[\["physical LAN<br>via eth0_1"\]\]$/m);
  assert.match(m, /^ {2}net_lan ==>\|"uplink eth0\.1"\| lan_eth0_1$/m);
  assert.match(m, /^ {2}net_lan2 ==>\|"uplink eth0_1"\| lan_eth0_1_2$/m);
  assert.match(m, /guest_say__hi_\("say-#quot;hi#quot;#lt;b#gt;<br>tiny, 256 MiB, 2 vCPUs"\)/);
  assert.match(m, /^title: "lab odd \(lab file\)"$/m);
  assert.equal(m.split('\n').filter((l) => l.startsWith('  linkStyle')).length, 2);
});

test('dot: every node and edge of the awkward topology, quoted', () => {
  const d = renderDot(AWKWARD);
  assert.ok(d.includes('"guest:say-\\"hi\\"" [label="say-\\"hi\\"<b>\\ntiny, 256 MiB, 2 vCPUs"'), d);
  assert.ok(d.includes('"net:lan2" -> "lan:eth0_1"'), d);
});

test('json is the model itself', () => {
  assert.deepEqual(JSON.parse(renderTopologyJson(AWKWARD)), AWKWARD);
});

test('check labels name the address and the outcome', () => {
  const e: CheckEdge = {
    id: 'check:0',
    kind: 'check',
    from: 'guest:a',
    to: 'outside',
    target: 'external:1.1.1.1',
    address: '1.1.1.1',
    expect: 'reachable',
    ok: true,
    reason: null,
  };
  assert.equal(checkText(e), '1.1.1.1 ping ok');
  assert.equal(checkText({ ...e, ok: false, reason: 'no route' }), '1.1.1.1 FAIL: no route');
  assert.equal(checkText({ ...e, expect: 'unreachable' }), '1.1.1.1 blocked (expected)');
  assert.equal(checkText({ ...e, expect: 'unreachable', ok: false, reason: 'reachable (2/2 replies)' }), '1.1.1.1 FAIL: reachable (2/2 replies)');
});

test('titles say where the picture comes from and how the last verify went', () => {
  assert.equal(titleOf(AWKWARD), 'lab odd (lab file)');
  assert.equal(titleOf({ ...AWKWARD, source: 'live' }), 'lab odd (up; not verified yet)');
  assert.equal(
    titleOf({ ...AWKWARD, source: 'live', verify: { at: '2025-01-01T00:00:00Z', total: 3, passed: 2, failed: 1 } }),
    'lab odd (up; verify at 2025-01-01T00:00:00Z: 2 of 3 passed)',
  );
});

test('formats by file name ending, case-insensitive', () => {
  assert.deepEqual(['a.svg', 'b.HTML', 'c.htm', 'd.dot', 'e.gv', 'f.mmd', 'g.mermaid', 'h.json', 'i.png', 'noext', 'dir.svg/file'].map(formatOfFile), [
    'svg',
    'html',
    'html',
    'dot',
    'dot',
    'mermaid',
    'mermaid',
    'json',
    undefined,
    undefined,
    undefined,
  ]);
  assert.ok(isGraphFormat('mermaid'));
  assert.ok(!isGraphFormat('png'));
});
