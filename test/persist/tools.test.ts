/**
 * The persisted files, fed to the real tools that read them at boot: `systemd-analyze verify`
 * and `systemctl --root … is-enabled` (the unit and its enable symlink), `ifquery` (the
 * interfaces.d file), `iptables-restore --noflush` in a private network namespace (the rules
 * file; never on this host's own rules). Each test skips, saying why, when its tool is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { execa } from 'execa';
import { journalRules, planPersist } from '../../src/persist/plan-persist.js';
import { renderRules } from '../../src/persist/render-rules.js';
import { renderUnit } from '../../src/persist/render-unit.js';
import { defaultVlabJs } from '../../src/apply/persist.js';
import { needs, scratch } from '../golden/netconfig/tools.js';
import { multiLab } from '../fixtures/render/seed-lab.js';
import { dockerSeedState, FAKE_INPUT, seedLab, upState } from './fixtures.js';

const dir = scratch('persist');

function fileOf(p: ReturnType<typeof planPersist>, path: string): string {
  const a = p.actions.find((x) => x.details.kind === 'persist.file' && x.details.path === path);
  assert.ok(a?.details.kind === 'persist.file');
  return a.details.content;
}

/** The unit as `vlab persist` writes it on this machine (real node and bin/vlab.js, which verify checks exist). */
function realUnit(): string {
  return renderUnit({ lab: 'seed', node: process.execPath, vlabJs: defaultVlabJs(), stateRoot: '/var/lib/vlab', uri: 'qemu:///system' });
}

test('systemd-analyze verify accepts the unit, with no warning', async (t) => {
  if (!needs(t, '/usr/bin/systemd-analyze', 'systemd')) return;
  const file = join(dir, 'vlab-seed.service');
  writeFileSync(file, realUnit());
  // verify loads the unit file offline; it needs no systemd as PID 1 (--man=no: no man page lookups).
  const r = await execa('systemd-analyze', ['verify', '--man=no', file], { reject: false });
  if (r.exitCode !== 0 && /System has not been booted|Failed to connect to bus|Failed to initialize manager/i.test(String(r.stderr))) {
    t.skip(`systemd-analyze verify cannot run here: ${String(r.stderr).trim().split('\n')[0]}`);
    return;
  }
  assert.equal(r.exitCode, 0, String(r.stderr));
  assert.equal(String(r.stderr).trim(), '', 'systemd-analyze printed warnings (unknown keys, bad values)');
  // A bad value is caught, so the check above means something.
  const bad = join(dir, 'vlab-bad.service');
  writeFileSync(bad, realUnit().replace('Type=oneshot', 'Type=oneshotx'));
  const rb = await execa('systemd-analyze', ['verify', '--man=no', bad], { reject: false });
  assert.match(String(rb.stderr), /Failed to parse service type/);
});

test("systemctl --root sees the unit as enabled through vlab's symlink (what `systemctl enable` makes)", async (t) => {
  if (!needs(t, '/usr/bin/systemctl', 'systemd')) return;
  const root = join(dir, 'root');
  const p = planPersist(await upState(seedLab), 'systemd', FAKE_INPUT);
  for (const a of p.actions) {
    if (a.details.kind !== 'persist.file') continue;
    const at = join(root, a.details.path);
    mkdirSync(join(at, '..'), { recursive: true });
    if (a.details.link) symlinkSync(a.details.link, at);
    else writeFileSync(at, a.details.content);
  }
  // systemctl --root works on the files alone: no PID 1 systemd, no bus.
  const r = await execa('systemctl', ['--root', root, 'is-enabled', 'vlab-seed.service'], { reject: false });
  assert.equal(String(r.stdout).trim(), 'enabled', String(r.stderr));
});

test('ifquery parses the interfaces.d file: the bridge is auto, with its address, netmask and hooks', async (t) => {
  if (!needs(t, '/usr/sbin/ifquery', 'ifupdown')) return;
  const file = join(dir, 'vlab-seed');
  writeFileSync(file, fileOf(planPersist(await upState(seedLab), 'ifupdown', FAKE_INPUT), '/etc/network/interfaces.d/vlab-seed'));
  // ifupdown 0.8 always lists lo (implicitly auto) besides the file's own interfaces.
  const list = await execa('ifquery', ['-i', file, '-a', '--list'], { reject: false });
  assert.equal(list.exitCode, 0, String(list.stderr));
  assert.deepEqual(
    String(list.stdout)
      .trim()
      .split('\n')
      .filter((l) => l !== 'lo'),
    ['isolationbr'],
  );
  const q = await execa('ifquery', ['-i', file, 'isolationbr'], { reject: false });
  assert.equal(q.exitCode, 0, String(q.stderr));
  const opts = String(q.stdout);
  // ifupdown calls post-up `up` (its alias).
  for (const line of [
    'address: 172.16.0.1',
    'netmask: 255.255.0.0',
    'bridge_ports: none',
    'bridge_stp: off',
    'bridge_fd: 0',
    'pre-up: iptables-restore --noflush < /etc/iptables/vlab-seed.rules',
    'up: ip link set isolationbr alias vlab:seed',
    'up: sysctl -w net.ipv4.ip_forward=1',
  ]) {
    assert.ok(opts.split('\n').includes(line), `ifquery does not show '${line}':\n${opts}`);
  }
});

test('ifquery parses the file of a lab with a bridged uplink (left out) and an isolated network', async (t) => {
  if (!needs(t, '/usr/sbin/ifquery', 'ifupdown')) return;
  const file = join(dir, 'vlab-multi');
  writeFileSync(file, fileOf(planPersist(await upState(multiLab), 'ifupdown', FAKE_INPUT), '/etc/network/interfaces.d/vlab-multi'));
  // ifupdown 0.8 always lists lo (implicitly auto) besides the file's own interfaces.
  const list = await execa('ifquery', ['-i', file, '-a', '--list'], { reject: false });
  assert.equal(list.exitCode, 0, String(list.stderr));
  assert.deepEqual(
    String(list.stdout)
      .trim()
      .split('\n')
      .filter((l) => l !== 'lo'),
    ['vlab-lan'],
  );
});

/** Runs a shell script in a private network namespace (its own, empty, iptables rules). */
async function inPrivateNetns(t: TestContext, script: string, ...args: string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string } | undefined> {
  if (process.getuid?.() !== 0) {
    t.skip('needs root: iptables-restore runs in a private network namespace (unshare --net)');
    return undefined;
  }
  if (!existsSync('/usr/sbin/iptables-restore')) {
    t.skip('needs iptables: apt-get install -y --no-install-recommends iptables');
    return undefined;
  }
  const r = await execa('unshare', ['--net', 'sh', '-ec', script, 'sh', ...args], { reject: false });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

for (const [name, state] of [
  ['seed (MASQUERADE)', () => upState(seedLab)],
  ['seed on a FORWARD-policy-DROP host (-I FORWARD accepts, conntrack)', dockerSeedState],
  ['multi (isolated network: REJECT rules)', () => upState(multiLab)],
] as const) {
  test(`iptables-restore --test --noflush accepts the rules file: ${name}`, async (t) => {
    const s = await state();
    const rules = journalRules(s);
    const file = join(dir, `${s.lab}-${rules.length}.rules`);
    writeFileSync(file, renderRules(s.lab, rules));
    const r = await inPrivateNetns(t, 'iptables-restore --test --noflush "$1"', file);
    if (!r) return;
    assert.equal(r.exitCode, 0, r.stderr);
  });
}

test("iptables-restore --noflush loads exactly the lab's rules, keeps other rules, in up's order", async (t) => {
  const s = await dockerSeedState();
  const file = join(dir, 'docker-load.rules');
  writeFileSync(file, renderRules('seed', journalRules(s)));
  const r = await inPrivateNetns(t, 'iptables -I FORWARD -s 192.0.2.1 -j ACCEPT; iptables-restore --noflush "$1"; iptables -S FORWARD; iptables -t nat -S POSTROUTING', file);
  if (!r) return;
  assert.equal(r.exitCode, 0, r.stderr);
  // iptables -S quotes the comment; the planner compares without quotes (normaliseRule) too.
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('-A '))
    .map((l) => l.replace(/"/g, ''));
  assert.deepEqual(lines, [
    // -I rules land on top in reverse file order, exactly as `up` inserted them one by one.
    '-A FORWARD -o isolationbr -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment vlab:seed -j ACCEPT',
    '-A FORWARD -i isolationbr ! -o isolationbr -m comment --comment vlab:seed -j ACCEPT',
    '-A FORWARD -i isolationbr -o isolationbr -m comment --comment vlab:seed -j ACCEPT',
    '-A FORWARD -s 192.0.2.1/32 -j ACCEPT',
    '-A POSTROUTING -s 172.16.0.0/16 ! -d 172.16.0.0/16 -m comment --comment vlab:seed -j MASQUERADE',
  ]);
});
