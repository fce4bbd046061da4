/**
 * Bridged uplink in the sandbox: a "LAN" namespace with a DHCP server sits behind a veth that
 * plays the host's eth0 (sandbox_lan_up). `up` moves eth0 into br0 with its address and default
 * route while the host keeps pinging the LAN host; guests get LAN addresses; `down` moves
 * everything back. A failed LAN check rolls back by itself, also when vlab is SIGKILLed.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { REPO, sandboxSkipReason, sleep } from './helpers/env.js';
import { snapshot, vlab, vlabBackground, writeLab, lanUp } from './helpers/vlab.js';

const skip = sandboxSkipReason();

function lanLab(name: string, extra = ''): string {
  return `name: ${name}
networks:
  lan:
    bridge: br0
    uplink: eth0
    cidr: 192.0.2.0/24
    gateway: 192.0.2.1
${extra}images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  dyn:
    image: tiny
    memory: 160
    interfaces: [ { network: lan } ]
  fixed:
    image: tiny
    memory: 160
    interfaces: [ { network: lan, address: 192.0.2.50 } ]
verify:
  checks:
    - { from: dyn, to: 192.0.2.1 }
`;
}

/** The addresses and routes sections of a snapshot (what an uplink move must give back). */
function l3(snap: string): string {
  const m = /== addresses\n([\s\S]*?)== iptables/.exec(snap);
  return m?.[1] ?? snap;
}

before(async () => {
  if (skip) return;
  await lanUp();
});

test('uplink: host keeps its network, guests are on the LAN, down restores routes and addresses exactly', { skip, timeout: 900_000 }, async (t) => {
  const dir = await mkdtemp('/run/vlab-lan-');
  const file = await writeLab(dir, 'lan', lanLab('lan'));
  // A DHCP client daemon bound to eth0, as on a real host: it must follow the NIC into br0 and back.
  const script = '/run/vlab-sandbox/lan-lan/udhcpc.script';
  const client = execa('busybox', ['udhcpc', '-f', '-i', 'eth0', '-s', script, '-t', '5', '-T', '1'], {
    reject: false,
    detached: true,
    stdio: 'ignore',
    env: { SANDBOX_LAN_DIR: '/run/vlab-sandbox/lan-lan' },
  });
  client.unref();
  await sleep(2000);
  const before = await snapshot();
  const pinger = execa('ping', ['-n', '-i', '0.2', '-w', '600', '192.0.2.1'], { reject: false });
  try {
    const up = await vlab(['-f', file, 'up']);
    assert.equal(up.exitCode, 0, up.stdout + up.stderr);
    const links = JSON.parse((await execa('ip', ['-j', 'link', 'show', 'eth0'])).stdout);
    assert.equal(links[0].master, 'br0');
    const addrs = (await execa('ip', ['-4', '-o', 'addr', 'show', 'br0'])).stdout;
    assert.match(addrs, /inet 192\.0\.2\.1\d\d\/24/, 'the host address moved to br0');
    assert.match((await execa('ip', ['route', 'show', 'default'])).stdout, /via 192\.0\.2\.1 dev br0/);
    const clients = (await execa('pgrep', ['-af', 'udhcpc -f'], { reject: false })).stdout;
    assert.match(clients, /udhcpc -f -i br0/, `the DHCP client moved to br0:\n${clients}`);
    assert.doesNotMatch(clients, /-i eth0/);
    const dyn = await vlab(['-f', file, 'exec', 'dyn', '--', 'ip', '-o', '-4', 'addr', 'show', 'eth0']);
    assert.match(dyn.stdout, /inet 192\.0\.2\.(1\d\d|200)\//, `dyn has a DHCP lease from the LAN: ${dyn.stdout}`);
    const v = await vlab(['-f', file, 'verify']);
    assert.equal(v.exitCode, 0, v.stdout + v.stderr);
    const down = await vlab(['-f', file, 'down']);
    assert.equal(down.exitCode, 0, down.stdout + down.stderr);
    const after = (await execa('pgrep', ['-af', 'udhcpc -f'], { reject: false })).stdout;
    assert.match(after, /udhcpc -f -i eth0/, `the DHCP client is back on eth0:\n${after}`);
    await sleep(2000);
  } finally {
    pinger.kill('SIGINT');
    await execa('pkill', ['-f', 'udhcpc -f -i'], { reject: false });
  }
  const out = String((await pinger).stdout);
  const m = /(\d+) packets transmitted, (\d+) received/.exec(out);
  assert.ok(m, out);
  const lost = Number(m[1]) - Number(m[2]);
  t.diagnostic(`host → LAN host pings during up, verify and down: ${m[2]}/${m[1]} answered (${lost} lost)`);
  assert.ok(Number(m[1]) > 50, 'the host pinged the LAN host throughout');
  assert.ok(lost <= 2, `the host lost ${lost} of ${m[1]} pings to the LAN host during up/down`);
  assert.equal(await snapshot(), before);
});

test('uplink: LAN check fails → up rolls back by itself (exit 3), addresses and routes as before', { skip, timeout: 600_000 }, async () => {
  const dir = await mkdtemp('/run/vlab-lan-');
  const file = await writeLab(dir, 'lanrb', lanLab('lanrb', '    uplink_check: 192.0.2.99\n'));
  const before = await snapshot();
  const up = await vlab(['-f', file, 'up', '--uplink-timeout', '6']);
  assert.equal(up.exitCode, 3, up.stdout + up.stderr);
  assert.match(up.stderr, /rolled back/);
  assert.equal(l3(await snapshot()), l3(before));
  const down = await vlab(['-f', file, 'down']);
  assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  assert.equal(await snapshot(), before);
});

test('uplink: vlab SIGKILLed during the check window → the watchdog rolls back', { skip, timeout: 600_000 }, async () => {
  const dir = await mkdtemp('/run/vlab-lan-');
  const file = await writeLab(dir, 'lankill', lanLab('lankill', '    uplink_check: 192.0.2.99\n'));
  const before = await snapshot();
  const child = vlabBackground(['-f', file, 'up', '--uplink-timeout', '8']);
  const wd = '/var/lib/vlab/lankill/uplink-br0.watchdog.json';
  for (let i = 0; i < 300 && !existsSync(wd); i++) await sleep(100);
  assert.ok(existsSync(wd), 'the watchdog was started');
  await sleep(1500);
  child.kill('SIGKILL');
  await child;
  assert.notEqual(l3(await snapshot()), l3(before), 'killed inside the window: eth0 is still in br0');
  for (let i = 0; i < 200 && !existsSync(`${wd}.done`); i++) await sleep(100);
  assert.ok(existsSync(`${wd}.done`), 'the watchdog finished');
  assert.equal(l3(await snapshot()), l3(before));
  const down = await vlab(['-f', file, 'down']);
  assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  assert.equal(await snapshot(), before);
});
