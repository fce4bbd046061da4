/**
 * The tiny guest image boots under libvirt (TCG) inside the sandbox, gets its network ONLY from
 * an injected /etc/network/interfaces (with names pinned by /etc/vlab/ifnames), and runs
 * commands through the guest agent. Runs inside scripts/sandbox.sh:
 *
 *   bash scripts/sandbox.sh -- node --import tsx --test test/integration/tiny-boot.test.ts
 *
 * Every address here (172.30.0.0/24) lives on a bridge inside the sandbox's own network namespace.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { sandboxSkipReason } from './helpers/env.js';
import { agentExec, removeDomain, virsh, waitForAgent } from './helpers/libvirt.js';
import { defineTinyDomain, ensureTinyImage, injectFiles, makeOverlay, makeTestDir, stageTinyImage } from './helpers/tiny.js';

const skip = sandboxSkipReason();

const G1 = 'vlab-test-tiny-g1';
const G2 = 'vlab-test-tiny-g2';
const MAC1A = '52:54:00:30:00:02'; // on tbr0: named eth1 in the guest by /etc/vlab/ifnames
const MAC1B = '52:54:00:30:00:12'; // on tbr1: named eth0 (a swap of the kernel's order)
const MAC2 = '52:54:00:30:00:03';

const INTERFACES = `# written by the tiny-boot test
auto lo
iface lo inet loopback

auto eth1
iface eth1 inet static
    address 172.30.0.2
    netmask 255.255.255.0
    gateway 172.30.0.1
`;

describe('tiny guest image under libvirt', () => {
  let dir = '';
  let dnsmasq: ResultPromise | undefined;
  const boot: Record<string, number> = {};

  before(async () => {
    if (skip) return;
    const image = await ensureTinyImage();
    for (const [br, addr] of [
      ['tbr0', '172.30.0.1/24'],
      ['tbr1', undefined],
    ] as const) {
      await execa('ip', ['link', 'add', br, 'type', 'bridge']);
      if (addr) await execa('ip', ['addr', 'add', addr, 'dev', br]);
      await execa('ip', ['link', 'set', br, 'up']);
    }
    dir = await makeTestDir('test-tiny-');
    const staged = await stageTinyImage(image, dir);
    const d1 = await makeOverlay(staged.disk, path.join(dir, 'g1.qcow2'));
    const d2 = await makeOverlay(staged.disk, path.join(dir, 'g2.qcow2'));
    // g1 gets network, hostname and name pinning; g2's overlay stays untouched.
    await injectFiles(
      [
        {
          disk: d1,
          files: {
            '/etc/network/interfaces': INTERFACES,
            '/etc/hostname': 'tiny-g1\n',
            '/etc/vlab/ifnames': `${MAC1A} eth1\n${MAC1B} eth0\n`,
          },
        },
      ],
      dir,
    );
    await defineTinyDomain(
      {
        name: G1,
        image: staged,
        disk: d1,
        nics: [
          { mac: MAC1A, bridge: 'tbr0' },
          { mac: MAC1B, bridge: 'tbr1' },
        ],
        consoleLog: path.join(dir, 'g1.console.log'),
      },
      virsh,
    );
    await defineTinyDomain({ name: G2, image: staged, disk: d2, nics: [{ mac: MAC2, bridge: 'tbr0' }], consoleLog: path.join(dir, 'g2.console.log') }, virsh);
    await Promise.all(
      [G1, G2].map(async (dom) => {
        await virsh(['start', dom]);
        try {
          boot[dom] = await waitForAgent(dom, 120_000);
        } catch (e) {
          const log = await readFile(path.join(dir, `${dom === G1 ? 'g1' : 'g2'}.console.log`), 'utf8').catch(() => '(no console log)');
          throw new Error(`${(e as Error).message}\nserial console of ${dom}:\n${log}`);
        }
      }),
    );
  });

  after(async () => {
    if (skip) return;
    await removeDomain(G1);
    await removeDomain(G2);
    dnsmasq?.kill();
    await dnsmasq?.catch(() => {});
    for (const br of ['tbr0', 'tbr1']) await execa('ip', ['link', 'del', br], { reject: false });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('both guests answer the agent and log their boot steps', { skip }, async (t) => {
    t.diagnostic(`boot-to-agent: ${G1} ${boot[G1]} ms, ${G2} ${boot[G2]} ms (two guests booting at once)`);
    assert.ok(boot[G1]! > 0 && boot[G2]! > 0);
    const log = await readFile(path.join(dir, 'g1.console.log'), 'utf8');
    const steps = log.split(/\r?\n/).filter((l) => l.startsWith('tiny: '));
    for (const l of steps) t.diagnostic(`${G1} console: ${l}`);
    assert.ok(steps.includes('tiny: ready'), `no "tiny: ready" on the console:\n${log}`);
    assert.ok(steps.includes('tiny: interface eth1 pinned by MAC'));
    assert.deepEqual(
      steps.filter((l) => /fail|FATAL|error/i.test(l)),
      [],
      'no failed boot step',
    );
  });

  test('injected guest: hostname, pinned names, 172.30.0.2 on eth1, pings 172.30.0.1', { skip }, async () => {
    const hn = await agentExec(G1, ['hostname']);
    assert.equal(hn.stdout.trim(), 'tiny-g1');

    const mac = await agentExec(G1, ['cat', '/sys/class/net/eth1/address', '/sys/class/net/eth0/address']);
    assert.equal(mac.exitCode, 0, mac.stderr);
    assert.deepEqual(mac.stdout.trim().split('\n'), [MAC1A, MAC1B]);

    const addr = await agentExec(G1, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth1']);
    assert.match(addr.stdout, /inet 172\.30\.0\.2\/24 /);
    const route = await agentExec(G1, ['ip', '-4', 'route', 'show', 'default']);
    assert.match(route.stdout, /default via 172\.30\.0\.1 dev eth1/);

    const ping = await agentExec(G1, ['ping', '-c', '1', '-W', '5', '172.30.0.1'], { timeoutMs: 20_000 });
    assert.equal(ping.exitCode, 0, `ping failed:\n${ping.stdout}${ping.stderr}`);
    assert.match(ping.stdout, /1 packets received/);
  });

  test('the lab host reaches the injected guest', { skip }, async () => {
    // From the sandbox's network namespace to a guest on tbr0: nothing leaves the sandbox.
    const r = await execa('ping', ['-c', '1', '-W', '5', '172.30.0.2'], { reject: false });
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  });

  test('guest-exec passes exit codes, stderr and stdin through', { skip }, async () => {
    const r = await agentExec(G1, ['/bin/sh', '-c', 'cat; echo oops >&2; exit 7'], { stdin: 'hello\n' });
    assert.deepEqual(r, { exitCode: 7, stdout: 'hello\n', stderr: 'oops\n' });
  });

  test('untouched guest: no /etc/network/interfaces, no IPv4 address but 127.0.0.1', { skip }, async () => {
    const cat = await agentExec(G2, ['cat', '/etc/network/interfaces']);
    assert.notEqual(cat.exitCode, 0, 'the image must not ship /etc/network/interfaces');
    const addr = await agentExec(G2, ['ip', '-4', '-o', 'addr']);
    assert.equal(addr.exitCode, 0, addr.stderr);
    const inet = [...addr.stdout.matchAll(/inet (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(inet, ['127.0.0.1/8']);
    const hn = await agentExec(G2, ['hostname']);
    assert.equal(hn.stdout.trim(), 'tiny');
  });

  test('"inet dhcp" works (busybox ifup + udhcpc script) against a DHCP server on tbr0', { skip }, async () => {
    // A DHCP server on the sandbox's tbr0 only (no DNS), for g2.
    dnsmasq = execa('dnsmasq', [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--port=0',
      '--user=root',
      '--interface=tbr0',
      '--bind-interfaces',
      '--except-interface=lo',
      '--dhcp-range=172.30.0.100,172.30.0.150,1h',
      '--dhcp-option=option:router,172.30.0.1',
      `--dhcp-leasefile=${path.join(dir, 'dnsmasq.leases')}`,
      `--pid-file=${path.join(dir, 'dnsmasq.pid')}`,
    ]);
    dnsmasq.catch(() => {}); // killed in after()
    const r = await agentExec(
      G2,
      ['/bin/sh', '-c', 'printf "auto eth0\\niface eth0 inet dhcp\\n" >/etc/network/interfaces && ifup eth0 && ip -4 -o addr show dev eth0 && ip -4 route show default'],
      { timeoutMs: 60_000 },
    );
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /inet 172\.30\.0\.1(\d\d)\/24 /);
    assert.match(r.stdout, /default via 172\.30\.0\.1 dev eth0/);
  });
});
