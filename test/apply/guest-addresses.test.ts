/** Readiness: parsing `ip -o link; ip -o -4 addr` and comparing with what vlab configured, `address: none` included. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostError } from '../../src/errors.js';
import { compareNics, parseGuestNics, unwantedAddresses, type ExpectedNic } from '../../src/apply/guest-addresses.js';
import { waitReady } from '../../src/apply/readiness.js';
import type { GuestExec } from '../../src/host/guest-exec.types.js';

const IP = (
  eth1: string,
) => `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:30:05:11 brd ff:ff:ff:ff:ff:ff
3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:30:05:21 brd ff:ff:ff:ff:ff:ff
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: eth0    inet 172.30.5.11/24 brd 172.30.5.255 scope global eth0\\       valid_lft forever preferred_lft forever
${eth1}`;
const LEASED = '3: eth1    inet 192.0.2.150/24 brd 192.0.2.255 scope global dynamic eth1\\       valid_lft 43190sec preferred_lft 43190sec';

const EXPECTED: ExpectedNic[] = [
  { mac: '52:54:00:30:05:11', address: '172.30.5.11', prefix: 24 },
  { mac: '52:54:00:30:05:21', unconfigured: true },
];

test('a none NIC without IPv4 address is what vlab configured', () => {
  const nics = parseGuestNics(IP(''));
  assert.deepEqual(
    nics.find((n) => n.name === 'eth1'),
    { name: 'eth1', mac: '52:54:00:30:05:21', addresses: [] },
  );
  assert.deepEqual(compareNics(nics, EXPECTED), []);
  assert.deepEqual(unwantedAddresses(nics, EXPECTED), []);
});

test('a none NIC with an address is a mismatch naming the NIC, its MAC and the address', () => {
  const nics = parseGuestNics(IP(LEASED));
  const want = ['eth1 (52:54:00:30:05:21): expected no address (address: none), has 192.0.2.150/24'];
  assert.deepEqual(unwantedAddresses(nics, EXPECTED), want);
  assert.deepEqual(compareNics(nics, EXPECTED), want);
  // the same address on a DHCP NIC is fine
  assert.deepEqual(compareNics(nics, [EXPECTED[0]!, { mac: '52:54:00:30:05:21' }]), []);
});

test('a missing none NIC is still reported', () => {
  assert.deepEqual(compareNics(parseGuestNics(IP('')), [{ mac: '52:54:00:99:99:99', unconfigured: true }]), ['no NIC with MAC 52:54:00:99:99:99']);
});

/** A guest agent that answers at once with fixed `ip` output. */
function fakeExec(stdout: string): GuestExec & { calls: number } {
  const f = {
    calls: 0,
    async ping() {
      return true;
    },
    async exec() {
      f.calls++;
      return { exitCode: 0, stdout, stderr: '' };
    },
  };
  return f;
}

test('waitReady fails at once (no waiting for the timeout) when a none NIC has an address, naming guest, MAC, address and rendered file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlab-ready-'));
  const log = join(dir, 'console.log');
  writeFileSync(log, 'booted\n');
  const exec = fakeExec(IP(LEASED));
  const t0 = performance.now();
  const err = await waitReady(exec, 'g1', 'vlab-st-g1', EXPECTED, {
    timeoutSec: 60,
    consoleLog: log,
    configPath: 'networkd: /etc/systemd/network/10-vlab-eth0.network inside /var/lib/vlab/st/disks/g1.qcow2',
    nicConfig: {
      '52:54:00:30:05:11': 'networkd: /etc/systemd/network/10-vlab-eth0.network inside /var/lib/vlab/st/disks/g1.qcow2',
      '52:54:00:30:05:21': 'networkd: /etc/systemd/network/10-vlab-eth1.network inside /var/lib/vlab/st/disks/g1.qcow2',
    },
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof HostError, String(err));
  assert.ok(performance.now() - t0 < 5000, 'failed at once');
  assert.equal(exec.calls, 1);
  assert.match(err.message, /^guest 'g1' has an address on a NIC configured without one \(address: none\):/);
  assert.match(err.message, /eth1 \(52:54:00:30:05:21\): expected no address \(address: none\), has 192\.0\.2\.150\/24/);
  assert.match(
    err.message,
    /rendered config: networkd: \/etc\/systemd\/network\/10-vlab-eth1\.network inside \/var\/lib\/vlab\/st\/disks\/g1\.qcow2 \(see vlab plan --verbose\)$/m,
    'the file of the none NIC',
  );
  assert.match(err.hint ?? '', /DHCP client, a catch-all profile/);
});

test('waitReady is ready when the none NIC has no address (after the settle time)', async () => {
  const exec = fakeExec(IP(''));
  const r = await waitReady(exec, 'g1', 'vlab-st-g1', EXPECTED, { timeoutSec: 5, consoleLog: '/nonexistent', noneSettleSec: 1.5 });
  assert.deepEqual(r.addresses, ['172.30.5.11/24']);
  assert.ok(exec.calls >= 2, 'looked again after the settle time');
});

test('waitReady catches a lease that arrives after the static NIC is ready (image default DHCPing the none NIC)', async () => {
  let calls = 0;
  const exec: GuestExec = {
    ping: async () => true,
    exec: async () => ({ exitCode: 0, stdout: IP(calls++ === 0 ? '' : LEASED), stderr: '' }),
  };
  const err = await waitReady(exec, 'g1', 'vlab-st-g1', EXPECTED, { timeoutSec: 30, consoleLog: '/nonexistent', noneSettleSec: 3 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof HostError, String(err));
  assert.match(err.message, /expected no address \(address: none\), has 192\.0\.2\.150\/24/);
});

test('waitReady does not wait to settle for guests without none NICs', async () => {
  const exec = fakeExec(IP(''));
  const t0 = performance.now();
  await waitReady(exec, 'g1', 'vlab-st-g1', [EXPECTED[0]!], { timeoutSec: 5, consoleLog: '/nonexistent' });
  assert.equal(exec.calls, 1);
  assert.ok(performance.now() - t0 < 1000);
});
