/** IPv4 arithmetic: parsing, formatting, masks, containment and overlap. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { broadcastOf, contains, formatCidr, formatIp, maskOf, netmask, networkOf, overlaps, parseCidr, parseIp, toCidr } from '../../src/spec/ipv4.js';

test('parseIp accepts dotted quads and rejects everything else', () => {
  assert.equal(parseIp('0.0.0.0'), 0);
  assert.equal(parseIp('172.16.0.1'), 172 * 2 ** 24 + 16 * 2 ** 16 + 1);
  assert.equal(parseIp('255.255.255.255'), 2 ** 32 - 1);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-4', '1.2.3.4/24', ' 1.2.3.4', 'a.b.c.d', '1..2.3']) {
    assert.equal(parseIp(bad), undefined, bad);
  }
});

test('formatIp is the inverse of parseIp', () => {
  for (const ip of ['0.0.0.0', '10.0.2.15', '172.16.255.254', '198.18.0.2', '255.255.255.255']) assert.equal(formatIp(parseIp(ip)!), ip);
});

test('parseCidr keeps host bits and rejects bad prefixes', () => {
  assert.deepEqual(parseCidr('172.16.0.1/16'), { address: parseIp('172.16.0.1'), prefix: 16 });
  assert.deepEqual(parseCidr('0.0.0.0/0'), { address: 0, prefix: 0 });
  assert.deepEqual(parseCidr('10.0.0.0/32'), { address: parseIp('10.0.0.0'), prefix: 32 });
  for (const bad of ['172.16.0.0', '172.16.0.0/33', '172.16.0.0/', '172.16.0.0/abc', '172.16.0.0/016', '172.16.0/16', '/16']) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});

test('masks, network and broadcast addresses', () => {
  assert.equal(netmask(0), '0.0.0.0');
  assert.equal(netmask(8), '255.0.0.0');
  assert.equal(netmask(16), '255.255.0.0');
  assert.equal(netmask(23), '255.255.254.0');
  assert.equal(netmask(30), '255.255.255.252');
  assert.equal(netmask(32), '255.255.255.255');
  assert.equal(maskOf(24), parseIp('255.255.255.0'));
  assert.equal(formatIp(networkOf(parseIp('172.16.200.9')!, 16)), '172.16.0.0');
  assert.equal(formatIp(networkOf(parseIp('10.1.2.3')!, 32)), '10.1.2.3');
  assert.equal(formatIp(broadcastOf(parseIp('172.16.0.0')!, 16)), '172.16.255.255');
  assert.equal(formatIp(broadcastOf(parseIp('192.168.50.0')!, 24)), '192.168.50.255');
  assert.equal(formatIp(broadcastOf(parseIp('10.0.0.4')!, 30)), '10.0.0.7');
  // No sign trouble at the top of the address space.
  assert.equal(formatIp(broadcastOf(parseIp('240.0.0.0')!, 4)), '255.255.255.255');
  assert.equal(formatIp(networkOf(parseIp('255.255.255.255')!, 1)), '128.0.0.0');
});

test('contains and overlaps', () => {
  const net16 = toCidr('172.16.0.0/16')!;
  assert.ok(contains(net16, parseIp('172.16.0.1')!));
  assert.ok(contains(net16, parseIp('172.16.255.255')!));
  assert.ok(!contains(net16, parseIp('172.17.0.1')!));
  assert.ok(overlaps(toCidr('10.1.0.0/16')!, toCidr('10.1.2.0/24')!));
  assert.ok(overlaps(toCidr('10.1.2.0/24')!, toCidr('10.1.0.0/16')!));
  assert.ok(overlaps(toCidr('0.0.0.0/0')!, toCidr('192.168.1.0/24')!));
  assert.ok(!overlaps(toCidr('10.1.0.0/24')!, toCidr('10.1.1.0/24')!));
  assert.ok(!overlaps(toCidr('172.16.0.0/16')!, toCidr('172.17.0.0/16')!));
});

test('toCidr normalises host bits away; formatCidr prints it back', () => {
  assert.equal(formatCidr(toCidr('10.0.2.15/24')!), '10.0.2.0/24');
  assert.equal(formatCidr(toCidr('172.16.0.0/16')!), '172.16.0.0/16');
  assert.equal(toCidr('nonsense'), undefined);
});
