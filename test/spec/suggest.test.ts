/** didYouMean: close typos get a suggestion, unrelated words do not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean } from '../../src/spec/suggest.js';

test('suggests the nearest candidate for a typo', () => {
  assert.equal(didYouMean('verfiy', ['name', 'accel', 'networks', 'images', 'guests', 'verify']), 'verify');
  assert.equal(didYouMean('gatway', ['bridge', 'cidr', 'gateway', 'nat', 'uplink']), 'gateway');
  assert.equal(didYouMean('isolaton', ['isolation', 'lan']), 'isolation');
  assert.equal(didYouMean('memroy', ['image', 'memory', 'vcpus']), 'memory');
  assert.equal(didYouMean('netplann', ['auto', 'ifupdown', 'netplan']), 'netplan');
});

test('is case-insensitive but returns the candidate as written', () => {
  assert.equal(didYouMean('WEB', ['web', 'db']), 'web');
  assert.equal(didYouMean('Networks', ['networks']), 'networks');
});

test('gives nothing for unrelated words or empty candidate lists', () => {
  assert.equal(didYouMean('database', ['web', 'db', 'gateway', 'external']), undefined);
  assert.equal(didYouMean('zzzzzz', ['verify', 'guests']), undefined);
  assert.equal(didYouMean('web', []), undefined);
});

test('never suggests a word that shares no letters with a short input', () => {
  // Distance must be below the word's length: 'ab' -> 'xy' is a full rewrite, not a typo.
  assert.equal(didYouMean('ab', ['xy']), undefined);
  assert.equal(didYouMean('x', ['y']), undefined);
});
