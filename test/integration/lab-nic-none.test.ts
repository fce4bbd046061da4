/**
 * `address: none` with the tiny guest (busybox ifup, no distro default), in the sandbox: the
 * plumbing from lab file to guest. The tiny guest's `none` NIC sits on a bridged uplink to the
 * sandbox's LAN, where dnsmasq answers DHCP (sandbox_lan_up); a second guest's DHCP NIC on the
 * same LAN must get a lease (the control). If vlab rendered `none` as DHCP, the `none` NIC would
 * get a lease too, and `up` would fail. The real distro defaults are covered per stack by
 * lab-stacks.test.ts (real Debian guests).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO, sandboxSkipReason, sleep } from './helpers/env.js';
import { outsideUp, snapshot, vlab, writeLab, lanUp } from './helpers/vlab.js';

const skip = sandboxSkipReason();
const NONE_MAC = '52:54:00:31:00:21';
const CONTROL_MAC = '52:54:00:31:00:22';

const LAB = `name: nicnone
networks:
  lan:
    cidr: 172.30.6.0/24
    nat: true
  wire:
    bridge: br0
    uplink: eth0
    cidr: 192.0.2.0/24
    gateway: 192.0.2.1
images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  quiet:
    image: tiny
    memory: 160
    interfaces:
      - { network: lan, address: 172.30.6.11 }
      - { network: wire, address: none, mac: ${NONE_MAC} }
  loud:
    image: tiny
    memory: 160
    interfaces:
      - { network: lan, address: 172.30.6.12 }
      - { network: wire, mac: ${CONTROL_MAC} }
verify:
  external: [198.18.0.2]
`;

before(async () => {
  if (skip) return;
  await outsideUp();
  await lanUp();
});

test('tiny: an address: none NIC next to a DHCP server stays without address; the plan says none; verify skips it', { skip, timeout: 900_000 }, async (t) => {
  const before = await snapshot();
  const dir = await mkdtemp('/run/vlab-none-');
  const file = await writeLab(dir, 'nicnone', LAB);
  const plan = await vlab(['-f', file, 'plan']);
  assert.equal(plan.exitCode, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, new RegExp(`${NONE_MAC}=none`), 'readiness is planned with the none NIC');
  const up = await vlab(['-f', file, 'up']);
  try {
    assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
    const control = await vlab(['-f', file, 'exec', 'loud', '--', 'ip', '-o', '-4', 'addr', 'show', 'eth1']);
    assert.match(control.stdout, /inet 192\.0\.2\.(1\d\d|200)\/24/, `the control NIC has a lease:\n${control.stdout}${control.stderr}`);
    await sleep(5000);
    const addrs = await vlab(['-f', file, 'exec', 'quiet', '--', 'ip', '-o', '-4', 'addr']);
    const global = addrs.stdout
      .split('\n')
      .filter((l) => /\binet\b/.test(l) && !/\blo\b/.test(l))
      .map((l) => /^\d+:\s+(\S+)\s+inet\s+(\S+)/.exec(l)?.slice(1, 3).join(' '));
    assert.deepEqual(global, ['eth0 172.30.6.11/24'], `quiet has only its static address:\n${addrs.stdout}`);
    const link = await vlab(['-f', file, 'exec', 'quiet', '--', 'ip', '-o', 'link', 'show', 'eth1']);
    assert.match(link.stdout, new RegExp(`link/ether ${NONE_MAC}`), 'eth1 is the none NIC, named by MAC');
    const leases = await readFile('/run/vlab-sandbox/lan-lan/dnsmasq.log', 'utf8').catch(() => '');
    assert.ok(!leases.toLowerCase().includes(NONE_MAC), 'no DHCP request from the none NIC');
    const v = await vlab(['-f', file, 'verify', '--json']);
    assert.equal(v.exitCode, 0, v.stdout + v.stderr);
    const checks = (JSON.parse(v.stdout) as { checks: { from: string; to: string }[] }).checks;
    assert.ok(!checks.some((c) => c.from === 'quiet' && c.to === 'gateway:wire'), 'no gateway check over the none NIC');
    assert.ok(
      checks.some((c) => c.from === 'loud' && c.to === 'gateway:wire'),
      'the DHCP guest checks the LAN gateway',
    );
    t.diagnostic(`checks: ${checks.map((c) => `${c.from}->${c.to}`).join(', ')}`);
  } finally {
    const down = await vlab(['-f', file, 'down']);
    assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  }
  assert.equal(await snapshot(), before);
});
