/** Derived bridge names and MACs: valid, stable, unique. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultBridgeName, defaultMac } from '../../src/spec/defaults.js';
import { BRIDGE_PATTERN, MAC_PATTERN } from '../../src/spec/schema.js';

test('short lab and network names give v-LAB-NET', () => {
  assert.equal(defaultBridgeName('seed', 'lan'), 'v-seed-lan');
  assert.equal(defaultBridgeName('abcde', 'fghijk'), 'v-abcde-fghijk'); // exactly 14
  assert.equal(defaultBridgeName('abcdef', 'ghijkl'), 'v-abcdef-ghijkl'); // exactly 15
});

test('long names are shortened to at most 15 characters, stable and unique per network', () => {
  const lab = 'firewall-lab-one';
  const nets = ['isolation', 'isolation2', 'management', 'dmz-network-long', 'a', 'b'];
  const names = nets.map((n) => defaultBridgeName(lab, n));
  for (const b of names) {
    assert.ok(b.length <= 15, `${b} is longer than 15`);
    assert.match(b, BRIDGE_PATTERN);
  }
  assert.equal(new Set(names).size, names.length, `bridge names collide: ${names.join(' ')}`);
  assert.deepEqual(
    nets.map((n) => defaultBridgeName(lab, n)),
    names,
    'same input, same name',
  );
  // Two labs sharing a 6-character prefix still get different bridges for the same network.
  assert.notEqual(defaultBridgeName('firewall-a-long', 'isolation'), defaultBridgeName('firewall-b-long', 'isolation'));
});

test('every name a valid lab file can have gives a valid bridge', () => {
  const longest = 'a'.repeat(16);
  assert.ok(defaultBridgeName(longest, longest).length <= 15);
  assert.match(defaultBridgeName(longest, longest), BRIDGE_PATTERN);
});

test('default MACs are QEMU-prefixed, unicast, locally stable and distinct', () => {
  const macs = new Set<string>();
  for (const guest of ['web', 'db', 'cache', 'router']) {
    for (let i = 0; i < 8; i++) {
      const mac = defaultMac('seed', guest, i);
      assert.match(mac, MAC_PATTERN);
      assert.match(mac, /^52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/);
      assert.equal(parseInt(mac.slice(0, 2), 16) & 1, 0, `${mac} is multicast`);
      assert.equal(mac, defaultMac('seed', guest, i), 'stable');
      macs.add(mac);
    }
  }
  assert.equal(macs.size, 32, 'no collisions among a lab of 4 guests with 8 NICs');
  assert.notEqual(defaultMac('seed', 'web', 0), defaultMac('other', 'web', 0), 'the lab name is part of the hash');
});
