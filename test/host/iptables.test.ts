import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, parseRuleLines } from '../../src/host/iptables.js';

// `iptables -w -t nat -S POSTROUTING` and `iptables -S FORWARD` (nft backend, Debian 12).
const NAT = `-P POSTROUTING ACCEPT
-A POSTROUTING -j LIBVIRT_PRT
-A POSTROUTING -s 172.16.0.0/16 ! -d 172.16.0.0/16 -m comment --comment vlab:seed -j MASQUERADE
`;
const FORWARD = `-P FORWARD DROP
-A FORWARD -j DOCKER-USER
-A FORWARD -i vlab-seed-lan -m comment --comment "vlab:seed" -j ACCEPT
`;
const USER_CHAIN = `-N LIBVIRT_FWX
-A LIBVIRT_FWX -i virbr0 -o virbr0 -j ACCEPT
`;

test('parseRuleLines keeps only -A lines', () => {
  assert.deepEqual(parseRuleLines(NAT), [
    '-A POSTROUTING -j LIBVIRT_PRT',
    '-A POSTROUTING -s 172.16.0.0/16 ! -d 172.16.0.0/16 -m comment --comment vlab:seed -j MASQUERADE',
  ]);
  assert.deepEqual(parseRuleLines(USER_CHAIN), ['-A LIBVIRT_FWX -i virbr0 -o virbr0 -j ACCEPT']);
  assert.deepEqual(parseRuleLines(''), []);
});

test('parsePolicy reads the -P line of the chain', () => {
  assert.equal(parsePolicy(FORWARD, 'FORWARD'), 'DROP');
  assert.equal(parsePolicy(NAT, 'POSTROUTING'), 'ACCEPT');
  assert.equal(parsePolicy(NAT, 'FORWARD'), undefined);
  assert.equal(parsePolicy(USER_CHAIN, 'LIBVIRT_FWX'), undefined);
});
