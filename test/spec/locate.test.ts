/** Line and column lookup for YAML paths, and path formatting. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { formatPath, locate } from '../../src/spec/locate.js';

const TEXT = `# comment
name: seed
networks:
  isolation:
    cidr: 172.16.0.0/16
    nat: true
guests:
  web:
    image: tiny
    interfaces:
      - network: isolation
        address: 172.16.0.2
      - { network: other, mac: 52:54:00:00:00:01 }
verify:
  external: [198.18.0.2, 198.18.0.3]
`;

function at(path: (string | number)[], opts?: { key?: boolean }) {
  const lc = new LineCounter();
  const doc = parseDocument(TEXT, { lineCounter: lc });
  return locate(doc, lc, path, opts);
}

test('formatPath joins keys with dots and indices with brackets', () => {
  assert.equal(formatPath([]), '');
  assert.equal(formatPath(['name']), 'name');
  assert.equal(formatPath(['guests', 'web', 'interfaces', 0, 'address']), 'guests.web.interfaces[0].address');
  assert.equal(formatPath(['verify', 'external', 1]), 'verify.external[1]');
});

test('scalar values: the value position', () => {
  assert.deepEqual(at(['name']), { line: 2, column: 7 });
  assert.deepEqual(at(['networks', 'isolation', 'cidr']), { line: 5, column: 11 });
  assert.deepEqual(at(['networks', 'isolation', 'nat']), { line: 6, column: 10 });
});

test('nested paths through sequences, block and flow', () => {
  assert.deepEqual(at(['guests', 'web', 'interfaces', 0, 'address']), { line: 12, column: 18 });
  assert.deepEqual(at(['guests', 'web', 'interfaces', 1, 'network']), { line: 13, column: 20 });
  assert.deepEqual(at(['guests', 'web', 'interfaces', 1, 'mac']), { line: 13, column: 32 });
  assert.deepEqual(at(['verify', 'external', 1]), { line: 15, column: 26 });
});

test('with key: true the map key itself', () => {
  assert.deepEqual(at(['networks', 'isolation'], { key: true }), { line: 4, column: 3 });
  assert.deepEqual(at(['guests', 'web'], { key: true }), { line: 8, column: 3 });
  assert.deepEqual(at(['guests', 'web', 'image'], { key: true }), { line: 9, column: 5 });
});

test('a missing key falls back to the nearest existing ancestor', () => {
  assert.deepEqual(at(['guests', 'web', 'memory']), at(['guests', 'web']));
  assert.deepEqual(at(['guests', 'web', 'interfaces', 7, 'address']), at(['guests', 'web', 'interfaces']));
  assert.deepEqual(at(['nothing', 'here']), { line: 2, column: 1 });
});

test('a key whose value is empty points at the key', () => {
  const lc = new LineCounter();
  const doc = parseDocument('name: x\nguests:\n  web:\n', { lineCounter: lc });
  const pos = locate(doc, lc, ['guests', 'web']);
  assert.equal(pos?.line, 3);
});
