/**
 * Real Debian 12 guests, one per network stack (vm-images/debian), in the sandbox: a 2-guest lab
 * of each image comes up with its stack auto-detected (cloud-init: declared by the image), the
 * right address on the right MAC, `verify` passes, `down` leaves no trace. And a deliberately
 * wrong netconfig makes `up` fail with the mismatch message instead of hanging or passing.
 *
 * Each lab also proves `address: none` (issue 7): g1's second NIC sits on a bridged uplink to
 * the sandbox's LAN namespace, where dnsmasq answers DHCP (sandbox_lan_up), and every image but
 * ifupdown ships a default that would DHCP a renamed, unconfigured NIC (vm-images/debian/README.md:
 * networkd's `89-ethernet.network`, NM's catch-all `wired-dhcp` profile). g2's second NIC on the
 * same LAN has no address (DHCP): the positive control that the server answers. After `up` and a
 * grace period, g1's `none` NIC must be up with no IPv4 address, and dnsmasq must never have heard
 * a DHCP request from its MAC.
 *
 * Each lab is then reset (issue 13): a file, an address and an iptables rule made inside g1 are
 * gone, with the same boot_id.
 *
 * Which images: VLAB_GUESTS=ifupdown,networkd,... (default: every image built under
 * vm-images/debian/out, or $DEBIAN_OUT as for build.sh). `npm run test:guests` builds and runs
 * all five; CI runs one a run.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { REPO, sandboxSkipReason, sleep } from './helpers/env.js';
import { snapshot, vlab, writeLab, outsideUp, lanUp } from './helpers/vlab.js';

const OUT = process.env.DEBIAN_OUT ? path.resolve(REPO, process.env.DEBIAN_OUT) : path.join(REPO, 'vm-images', 'debian', 'out');
/** dnsmasq's log of the sandbox's LAN namespace (sandbox_lan_up). */
const DNSMASQ_LOG = '/run/vlab-sandbox/lan-lan/dnsmasq.log';
/** g1's `address: none` NIC and g2's DHCP NIC (the control), both on the LAN. */
const NONE_MAC = '52:54:00:30:05:21';
const CONTROL_MAC = '52:54:00:30:05:22';
const ALL = ['ifupdown', 'networkd', 'netplan', 'networkmanager', 'cloud-init'];
const wanted = process.env.VLAB_GUESTS ? process.env.VLAB_GUESTS.split(',').filter(Boolean) : ALL;
const built = (v: string) => existsSync(path.join(OUT, v, 'image.yaml')) && existsSync(path.join(OUT, v, 'disk.qcow2'));
const skip = sandboxSkipReason();
const TIMEOUT = process.env.VLAB_GUEST_TIMEOUT ?? '900';

/** The 2-guest lab; with `wire`, each guest also has a NIC on the sandbox's LAN (g1: none, g2: DHCP). */
function lab(name: string, variant: string, netconfig?: string, wire = false): string {
  const nc = netconfig ? `\n    netconfig: ${netconfig}` : '';
  const net = wire ? '\n  wire:\n    bridge: br0\n    uplink: eth0\n    cidr: 192.0.2.0/24\n    gateway: 192.0.2.1' : '';
  const nic1 = wire ? `\n      - { network: wire, address: none, mac: ${NONE_MAC} }` : '';
  const nic2 = wire ? `\n      - { network: wire, mac: ${CONTROL_MAC} }` : '';
  return `name: ${name}
networks:
  lan:
    cidr: 172.30.5.0/24
    nat: true${net}
images:
  debian: ${path.join(OUT, variant)}
guests:
  g1:
    image: debian
    memory: 512${nc}
    interfaces:
      - { network: lan, address: 172.30.5.11, mac: 52:54:00:30:05:11 }${nic1}
  g2:
    image: debian
    memory: 512${nc}
    interfaces:
      - { network: lan, address: 172.30.5.12 }${nic2}
verify:
  external: [198.18.0.2]
`;
}

before(async () => {
  if (skip) return;
  await outsideUp();
  await lanUp();
});

/** Runs a shell command in a guest through vlab exec; asserts it ran; returns stdout. */
async function sh(file: string, guest: string, script: string): Promise<string> {
  const r = await vlab(['-f', file, 'exec', guest, '--', 'sh', '-c', script]);
  assert.equal(r.exitCode, 0, `exec ${guest} ${script}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

/**
 * `vlab reset` on a real Debian guest (issue 13): a file on the disk, an address and an iptables
 * rule made inside are gone afterwards, the guest did not reboot (same boot_id), and verify passes.
 */
async function resetUndoesExperiment(t: { diagnostic: (m: string) => void }, file: string, variant: string): Promise<void> {
  const boot = await sh(file, 'g1', 'cat /proc/sys/kernel/random/boot_id');
  await sh(
    file,
    'g1',
    'echo experiment > /root/vlab-marker && sync && ip addr add 10.123.0.1/24 dev eth0 && iptables -A INPUT -p tcp --dport 9 -m comment --comment vlab-experiment -j DROP',
  );
  assert.match(await sh(file, 'g1', 'iptables -S INPUT'), /vlab-experiment/);
  const t0 = performance.now();
  const r = await vlab(['-f', file, 'reset']);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  t.diagnostic(`debian/${variant}: reset ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  assert.equal(await sh(file, 'g1', 'cat /root/vlab-marker 2>/dev/null || echo none'), 'none');
  assert.doesNotMatch(await sh(file, 'g1', 'ip -o -4 addr show dev eth0'), /10\.123\.0\.1/);
  assert.doesNotMatch(await sh(file, 'g1', 'iptables -S INPUT'), /vlab-experiment/, 'the firewall rule is gone');
  assert.equal(await sh(file, 'g1', 'cat /proc/sys/kernel/random/boot_id'), boot, 'no reboot');
  const v = await vlab(['-f', file, 'verify']);
  assert.equal(v.exitCode, 0, v.stdout + v.stderr);
}

/** dnsmasq log lines that name a MAC (DHCPDISCOVER/REQUEST/OFFER/ACK ...). */
async function dhcpLines(mac: string): Promise<string[]> {
  const text = await readFile(DNSMASQ_LOG, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.toLowerCase().includes(mac));
}

for (const variant of wanted) {
  const why = skip ?? (built(variant) ? undefined : `image not built: bash vm-images/debian/build.sh ${variant} (or npm run test:guests)`);
  test(
    `debian/${variant}: stack detected, addresses on the right MACs, an address: none NIC stays without address despite DHCP and the image's default, verify passes, down leaves no trace`,
    { skip: why, timeout: 1_800_000 },
    async (t) => {
      const before = await snapshot();
      const dir = await mkdtemp('/run/vlab-stack-');
      const name = `st-${variant.replace(/[^a-z]/g, '').slice(0, 10)}`;
      const file = await writeLab(dir, name, lab(name, variant, undefined, true));
      const t0 = performance.now();
      const up = await vlab(['-f', file, 'up', '--timeout', TIMEOUT]);
      const upSec = (performance.now() - t0) / 1000;
      try {
        assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
        t.diagnostic(
          `debian/${variant}: up ${upSec.toFixed(0)}s; ${up.stdout
            .split('\n')
            .filter((l) => /network configuration for|ready in/.test(l))
            .join(' | ')}`,
        );
        const expectStack = variant === 'cloud-init' ? 'cloud-init' : variant;
        assert.match(up.stdout, new RegExp(`g1: network configuration for ${expectStack}`), up.stdout);
        if (variant !== 'cloud-init') assert.match(up.stdout, /detected:/, 'the stack was detected from the disk');
        // The control: g2's DHCP NIC on the same LAN got a lease (up waited for it), so the server answers.
        const control = await vlab(['-f', file, 'exec', 'g2', '--', 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth1']);
        assert.match(control.stdout, /inet 192\.0\.2\.(1\d\d|200)\/24/, `the control NIC has a lease from the LAN's DHCP server:\n${control.stdout}${control.stderr}`);
        assert.ok(
          (await dhcpLines(CONTROL_MAC)).some((l) => /DHCPACK/.test(l)),
          'dnsmasq acknowledged the control NIC',
        );
        // Time for any DHCP client or distro default in g1 to act on its unconfigured NIC.
        await sleep(15_000);
        const addrs = await vlab(['-f', file, 'exec', 'g1', '--', 'ip', '-o', '-4', 'addr']);
        assert.equal(addrs.exitCode, 0, addrs.stderr);
        const global = addrs.stdout
          .split('\n')
          .filter((l) => /\binet\b/.test(l) && !/\blo\b/.test(l))
          .map((l) => /^\d+:\s+(\S+)\s+inet\s+(\S+)/.exec(l)?.slice(1, 3).join(' '));
        assert.deepEqual(global, ['eth0 172.30.5.11/24'], `g1 has exactly its static address, and nothing on the address: none NIC:\n${addrs.stdout}`);
        const link = await vlab(['-f', file, 'exec', 'g1', '--', 'ip', '-o', 'link', 'show', 'dev', 'eth1']);
        assert.match(link.stdout, new RegExp(`link/ether ${NONE_MAC}`), `eth1 is the none NIC, named by MAC:\n${link.stdout}`);
        assert.match(link.stdout, /<[^>]*\bUP\b[^>]*>/, `the none NIC is up (configured, just without address):\n${link.stdout}`);
        assert.deepEqual(await dhcpLines(NONE_MAC), [], 'no DHCP request ever came from the none NIC');
        t.diagnostic(`debian/${variant}: address: none NIC up without address; control lease ${/inet (\S+)/.exec(control.stdout)?.[1]}`);
        const v = await vlab(['-f', file, 'verify']);
        assert.equal(v.exitCode, 0, v.stdout + v.stderr);
        await resetUndoesExperiment(t, file, variant);
      } finally {
        const down = await vlab(['-f', file, 'down']);
        assert.equal(down.exitCode, 0, down.stdout + down.stderr);
      }
      assert.equal(await snapshot(), before);
    },
  );
}

const wrongWhy = skip ?? (built('networkd') && wanted.includes('networkd') ? undefined : 'needs the networkd image (VLAB_GUESTS includes networkd, and it is built)');
test('a wrong netconfig (ifupdown forced on the networkd image) fails up with the mismatch, not a hang or a pass', { skip: wrongWhy, timeout: 1_800_000 }, async () => {
  const before = await snapshot();
  const dir = await mkdtemp('/run/vlab-stack-');
  const file = await writeLab(dir, 'st-wrong', lab('st-wrong', 'networkd', 'ifupdown'));
  const up = await vlab(['-f', file, 'up', '--timeout', '240']);
  try {
    assert.equal(up.exitCode, 3, `up must fail:\n${up.stdout}\n${up.stderr}`);
    assert.match(up.stderr, /does not have the configured addresses/);
    assert.match(up.stderr, /\(52:54:00:[0-9a-f:]+\): expected 172\.30\.5\.1[12]\/24, has /);
    assert.match(up.stderr, /rendered config: ifupdown: \/etc\/network\/interfaces inside /);
  } finally {
    const down = await vlab(['-f', file, 'down']);
    assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  }
  assert.equal(await snapshot(), before);
});

const kernelWhy = skip ?? (built('ifupdown') && wanted.includes('ifupdown') ? undefined : 'needs the ifupdown image (VLAB_GUESTS includes ifupdown, and it is built)');
test(
  "boot: kernel on a bare qcow2 (the ifupdown image's GRUB disk): vlab takes kernel, initrd and root= from its /boot and grub.cfg, the guest comes up and verifies",
  { skip: kernelWhy, timeout: 1_800_000 },
  async (t) => {
    const before = await snapshot();
    const dir = await mkdtemp('/run/vlab-stack-');
    const disk = path.join(OUT, 'ifupdown', 'disk.qcow2');
    const text = `name: st-kboot
networks:
  lan: { cidr: 172.30.6.0/24, nat: true }
images:
  bare: ${disk}
guests:
  k1:
    image: bare
    boot: kernel
    memory: 512
    interfaces: [{ network: lan, address: 172.30.6.11 }]
verify:
  external: [198.18.0.2]
`;
    const file = await writeLab(dir, 'st-kboot', text);
    const plan = await vlab(['-f', file, 'plan']);
    assert.equal(plan.exitCode, 0, plan.stdout + plan.stderr);
    assert.match(
      plan.stdout,
      /direct kernel boot of the image's \/boot\/vmlinuz-\S+ \(unpacked: no decompression at boot\) and \/boot\/initrd\.img-\S+ \(command line from grub\.cfg default entry\)/,
      plan.stdout,
    );
    const t0 = performance.now();
    const up = await vlab(['-f', file, 'up', '--timeout', TIMEOUT]);
    const upSec = (performance.now() - t0) / 1000;
    try {
      assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
      t.diagnostic(`boot: kernel, bare ifupdown disk: up ${upSec.toFixed(0)}s`);
      const xml = await vlab(['-f', file, 'exec', 'k1', '--', 'cat', '/proc/cmdline']);
      assert.equal(xml.exitCode, 0, xml.stderr);
      assert.match(xml.stdout, /root=UUID=[0-9a-f-]{36} rw console=ttyS0/, `the guest runs with grub's command line:\n${xml.stdout}`);
      const v = await vlab(['-f', file, 'verify']);
      assert.equal(v.exitCode, 0, v.stdout + v.stderr);
    } finally {
      const down = await vlab(['-f', file, 'down']);
      assert.equal(down.exitCode, 0, down.stdout + down.stderr);
    }
    assert.equal(await snapshot(), before);
  },
);
