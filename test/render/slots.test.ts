import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillSlots, slot, slotNames } from '../../src/render/slots.js';

test('slot: a token per name; bad names are a bug', () => {
  assert.equal(slot('ssh.keys:client.pub'), '<<vlab-slot:ssh.keys:client.pub>>');
  assert.throws(() => slot('Has Space'), /bad name/);
});

test('slotNames: each slot once, in order', () => {
  assert.deepEqual(slotNames(`a ${slot('x')} b ${slot('y:1')}\n${slot('x')}`), ['x', 'y:1']);
  assert.deepEqual(slotNames('no slots'), []);
});

test('fillSlots: inline slots take one line; a slot alone on its line takes several, each indented like it', () => {
  const text = `key: ${slot('pub')}\nblock: |\n    ${slot('priv')}\nend\n`;
  assert.equal(fillSlots(text, { pub: 'ssh-ed25519 AAAA c', priv: 'L1\nL2\nL3' }), 'key: ssh-ed25519 AAAA c\nblock: |\n    L1\n    L2\n    L3\nend\n');
  assert.equal(fillSlots(`${slot('priv')}\n`, { priv: '-----BEGIN-----\nabc\n-----END-----' }), '-----BEGIN-----\nabc\n-----END-----\n');
  assert.equal(fillSlots('untouched\n', {}), 'untouched\n');
});

test('fillSlots: a slot without a value, or a multi-line value inside a line, is a bug', () => {
  assert.throws(() => fillSlots(slot('gone'), {}), /slot 'gone' has no value/);
  assert.throws(() => fillSlots(`x ${slot('m')}`, { m: 'a\nb' }), /takes one line/);
});
