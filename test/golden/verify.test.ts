/**
 * Golden tests of the verify reports (matrix, JSON, JUnit) for a fixed lab and fixed outcomes.
 * Update with `npm run golden:update`, then read the diff.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xml2js from 'xml2js';
import type { Lab, LabGuest, LabNetwork } from '../../src/spec/types.js';
import { deriveChecks, type Check } from '../../src/verify/checks.js';
import { parsePingOutput } from '../../src/verify/ping-parse.js';
import { renderMatrix } from '../../src/verify/report-matrix.js';
import { renderJson, toJson } from '../../src/verify/report-json.js';
import { toJunit } from '../../src/verify/report-junit.js';
import { notRunResult, resultFromPing, type CheckResult } from '../../src/verify/result.js';
import { assertGolden } from './helpers.js';

function net(name: string, third: number, nat: boolean): LabNetwork {
  return { name, bridge: `vl-${name}`, cidr: `10.${third}.0.0/24`, prefix: 24, gateway: `10.${third}.0.1`, nat };
}

function guest(name: string, ifaces: [string, string?][]): LabGuest {
  return {
    name,
    image: 'debian',
    memory: 512,
    vcpus: 1,
    netconfig: 'auto',
    exec: 'auto',
    interfaces: ifaces.map(([network, address], index) => ({ index, network, mac: `52:54:00:12:34:${index}0`, ifname: `eth${index}`, ...(address ? { address, prefix: 24 } : {}) })),
  };
}

/** lan (nat) and dmz (isolated); web on both, db and backup on dmz, client on lan by DHCP. */
const LAB: Lab = {
  name: 'shop',
  file: '/labs/shop/lab.yaml',
  dir: '/labs/shop',
  accel: 'auto',
  networks: [net('lan', 10, true), net('dmz', 20, false)],
  images: [],
  guests: [
    guest('web', [['lan', '10.10.0.10'], ['dmz', '10.20.0.10']]),
    guest('db', [['dmz', '10.20.0.20']]),
    guest('backup', [['dmz', '10.20.0.30']]),
    guest('client', [['lan']]),
  ],
  verify: {
    external: ['1.1.1.1', '9.9.9.9'],
    checks: [
      { from: 'db', to: '192.0.2.7', expect: 'unreachable', count: 1 },
      { from: 'client', to: '203.0.113.5', expect: 'reachable' },
    ],
  },
};

const ok = (c: Check) => `PING ${c.address} (${c.address}): 56 data bytes\n\n--- ${c.address} ping statistics ---\n${c.count} packets transmitted, ${c.count} packets received, 0% packet loss\nround-trip min/avg/max = 0.210/0.350/0.490 ms\n`;
const lost = (c: Check) => `PING ${c.address} (${c.address}) 56(84) bytes of data.\n\n--- ${c.address} ping statistics ---\n${c.count} packets transmitted, 0 received, 100% packet loss, time 1001ms\n`;
const noRoute = 'PING 1.1.1.1 (1.1.1.1): 56 data bytes\nping: sendto: Network is unreachable\n';

/** Fixed outcomes: the network behaves as designed except for a few planted faults. */
function outcome(c: Check): CheckResult {
  if (c.from === 'backup') return notRunResult(c, 'guest not running');
  if (c.from === 'web' && c.to === 'db') return resultFromPing(c, parsePingOutput(lost(c)));
  if (c.from === 'db' && c.address === '9.9.9.9') return resultFromPing(c, parsePingOutput(ok(c)));
  if (c.from === 'client' && c.address === '203.0.113.5') return resultFromPing(c, parsePingOutput(`ping: sendmsg: Operation not permitted <"&'>\n`));
  if (c.to === 'backup') return resultFromPing(c, parsePingOutput(lost(c)));
  if (c.expect === 'unreachable') return resultFromPing(c, parsePingOutput(c.target === 'external' ? noRoute : lost(c)));
  return resultFromPing(c, parsePingOutput(ok(c)));
}

const results = deriveChecks(LAB).map(outcome);

describe('verify reports (golden)', () => {
  it('renders the matrix without color', () => {
    const text = renderMatrix(LAB, results, { color: false });
    assert.doesNotMatch(text, /\x1b\[/);
    assertGolden('verify/matrix.txt', text);
  });

  it('renders the matrix with color, same text underneath', () => {
    const text = renderMatrix(LAB, results, { color: true });
    assert.match(text, /\x1b\[32m✓ reach\x1b\[39m/);
    assert.equal(text.replace(/\x1b\[\d+m/g, ''), renderMatrix(LAB, results, { color: false }));
    assertGolden('verify/matrix-color.txt', text);
  });

  it('aligns the matrix columns', () => {
    const rows = renderMatrix(LAB, results, { color: false }).split('\n').slice(0, 5);
    const header = rows[0]!;
    for (const col of ['web@10.10.0.10', 'web@10.20.0.10', 'db', 'backup', 'gateway:lan', 'gateway:dmz', 'external:1.1.1.1', 'external:9.9.9.9', '192.0.2.7', '203.0.113.5']) {
      const at = header.indexOf(col);
      assert.ok(at > 0, col);
      for (const row of rows.slice(1)) {
        const ch = [...row][at];
        assert.ok(ch === undefined || /[✓✗!-]/.test(ch), `column ${col} misaligned in: ${row}`);
      }
    }
  });

  it('renders the JSON report, agreeing with the matrix', () => {
    const json = toJson(LAB, results);
    assertGolden('verify/report.json', renderJson(LAB, results));
    assert.deepEqual(Object.keys(json), ['lab', 'ok', 'checks', 'summary']);
    assert.deepEqual(Object.keys(json.checks[0]!), ['from', 'to', 'address', 'expect', 'reachable', 'ok', 'sent', 'received', 'rttMs', 'reason']);
    const matrix = renderMatrix(LAB, results, { color: false });
    const m = /Results: (\d+)\/(\d+) checks passed/.exec(matrix)!;
    assert.equal(Number(m[1]), json.summary.passed);
    assert.equal(Number(m[2]), json.summary.total);
    const table = matrix.split('\n\n')[0]!;
    assert.equal((table.match(/✓/g) ?? []).length, json.summary.passed);
    assert.equal((table.match(/[✗!]/g) ?? []).length, json.summary.failed);
    assert.equal((matrix.match(/^ {2}[✗!] /gm) ?? []).length, json.summary.failed);
    assert.equal(json.ok, false);
    assert.equal(json.summary.passed + json.summary.failed, json.summary.total);
  });

  it('renders JUnit XML that parses back with the right counts and escaped text', async () => {
    const xml = toJunit(LAB, results, 6.4321);
    assertGolden('verify/junit.xml', xml);
    const doc = await xml2js.parseStringPromise(xml);
    const suites = doc.testsuites.testsuite;
    assert.equal(suites.length, 1);
    const suite = suites[0];
    const json = toJson(LAB, results);
    assert.equal(suite.$.name, 'vlab verify shop');
    assert.equal(Number(suite.$.tests), json.summary.total);
    assert.equal(Number(suite.$.failures), json.summary.failed);
    assert.equal(suite.$.time, '6.432');
    assert.equal(suite.testcase.length, results.length);
    const failed = suite.testcase.filter((tc: { failure?: unknown }) => tc.failure);
    assert.equal(failed.length, json.summary.failed);
    const first = suite.testcase[0];
    assert.equal(first.$.classname, 'shop.web');
    assert.equal(first.$.name, 'web -> gateway:lan (10.10.0.1) expect reachable');
    const odd = suite.testcase.find((tc: { $: { name: string } }) => tc.$.name.includes('203.0.113.5'));
    assert.equal(odd.failure[0].$.message, `ping: sendmsg: Operation not permitted <"&'>`);
  });

  it('renders reports for a lab where everything passes, and for no checks', () => {
    const good = results.filter((r) => r.ok);
    assertGolden('verify/matrix-pass.txt', renderMatrix(LAB, good, { color: false }));
    assert.equal(toJson(LAB, good).ok, true);
    assert.equal(renderMatrix(LAB, [], { color: false }), 'No checks to run.\nResults: 0/0 checks passed\n');
    assert.deepEqual(toJson(LAB, []), { lab: 'shop', ok: true, checks: [], summary: { total: 0, passed: 0, failed: 0 } });
    assert.match(toJunit(LAB, []), /tests="0"/);
  });
});
