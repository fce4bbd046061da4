/**
 * `vlab doctor` and the leak sweep for real, in the sandbox: a clean host is ok or warn (TCG
 * explained); a FORWARD DROP policy and a 0700 parent of the state root are each reported with
 * their fix (exit 3); after `up` and a deleted or corrupt state.json, doctor lists the lab's
 * leftovers and `down LAB --sweep` removes them (the seed lab, and a bridged-uplink lab whose
 * NIC goes back from the undo-facts record), leaving the host as before `up`, while a bridge,
 * a rule and a domain made by hand without a tag stay.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { REPO, sandboxSkipReason } from './helpers/env.js';
import { SEED, snapshot, vlab, writeLab, lanUp } from './helpers/vlab.js';

const skip = sandboxSkipReason();

interface Report {
  status: string;
  checks: { id: string; status: string; seen: string; fix?: string }[];
  leftovers: { lab: string; state: string; objects: { kind: string; name: string }[]; fix: string }[];
}
const doctor = async (env: Record<string, string> = {}) => {
  const r = await vlab(['doctor', '--json'], { env });
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
};
const check = (r: Report, id: string) => r.checks.find((c) => c.id === id);

before(async () => {
  if (skip) return;
  await lanUp();
});

test('doctor on the clean sandbox host: every check ok or warn, the accelerator explained, exit 0', { skip, timeout: 120_000 }, async () => {
  const { exitCode, report } = await doctor();
  assert.equal(exitCode, 0, JSON.stringify(report, null, 2));
  assert.notEqual(report.status, 'fail');
  assert.deepEqual(
    report.checks.filter((c) => c.status === 'fail'),
    [],
  );
  const kvm = check(report, 'kvm')!;
  if (kvm.status === 'warn') assert.match(kvm.seen, /TCG \(software emulation\)/);
  assert.equal(check(report, 'libvirt')?.status, 'ok');
  assert.equal(check(report, 'kvm-access')?.status ?? 'ok', 'ok', 'the sandbox binds a /dev/kvm node of group kvm');
  const br = check(report, 'br-netfilter')!;
  if (existsSync('/sys/module/br_netfilter')) {
    // Loaded by someone else already: the check reports the value it reads (never loaded by a test).
    const v = (await execa('cat', ['/proc/sys/net/bridge/bridge-nf-call-iptables'], { reject: false })).stdout.trim();
    assert.equal(br.status, v === '1' ? 'warn' : 'ok', br.seen);
  } else assert.match(br.seen, /not loaded/);
  const text = await vlab(['doctor']);
  assert.match(text.stdout, /ok\s+libvirtd\s+answers on/);
  assert.match(text.stdout, /\d+ ok, \d+ warn, 0 fail/);
});

test('doctor: a FORWARD DROP policy and a 0700 parent of the state root are reported with their fixes; the failure exits 3', { skip, timeout: 120_000 }, async () => {
  await execa('iptables', ['-P', 'FORWARD', 'DROP']);
  const parent = await mkdtemp('/run/vlab-priv-');
  await chmod(parent, 0o700);
  try {
    const { exitCode, report } = await doctor({ VLAB_STATE_DIR: path.join(parent, 'vlab') });
    assert.equal(exitCode, 3);
    assert.equal(report.status, 'fail');
    const pol = check(report, 'forward-policy')!;
    assert.equal(pol.status, 'warn');
    assert.match(pol.seen, /^DROP/);
    const root = check(report, 'state-root')!;
    assert.equal(root.status, 'fail');
    assert.match(root.seen, new RegExp(`libvirt-qemu cannot enter ${parent} \\(mode 0700`));
    assert.match(root.fix ?? '', new RegExp(`chmod o\\+x ${parent}`));
  } finally {
    await execa('iptables', ['-P', 'FORWARD', 'ACCEPT']);
    await rm(parent, { recursive: true, force: true });
  }
});

test('leak sweep, seed lab: state.json deleted, doctor lists the leftovers, down --sweep removes them; hand-made untagged objects stay', { skip, timeout: 600_000 }, async () => {
  const before = await snapshot();
  const up = await vlab(['-f', SEED, 'up', '--no-checkpoint']);
  assert.equal(up.exitCode, 0, up.stdout + up.stderr);
  await rm('/var/lib/vlab/seed/state.json');
  const status = await vlab(['-f', SEED, 'status']);
  assert.equal(status.exitCode, 3, status.stdout + status.stderr);
  // Made by hand, untagged: the sweep must not touch them.
  await execa('ip', ['link', 'add', 'handbr', 'type', 'bridge']);
  await execa('iptables', ['-A', 'FORWARD', '-s', '10.77.0.0/16', '-j', 'ACCEPT']);
  const dir = await mkdtemp('/run/vlab-hand-');
  await writeFile(path.join(dir, 'd.xml'), "<domain type='qemu'><name>hand-made</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>");
  await execa('virsh', ['-c', 'qemu:///system', 'define', path.join(dir, 'd.xml')]);
  try {
    const { report } = await doctor();
    const l = report.leftovers.find((x) => x.lab === 'seed');
    assert.ok(l, JSON.stringify(report.leftovers));
    assert.equal(l.state, 'missing');
    const names = l.objects.map((o) => `${o.kind} ${o.name}`).join('\n');
    for (const want of ['bridge isolationbr', 'libvirt-network vlab-seed-isolation', 'domain vlab-seed-web', 'domain vlab-seed-db'])
      assert.ok(names.includes(want), `${want} in:\n${names}`);
    assert.match(names, /iptables -t nat -A POSTROUTING .*vlab:seed/);
    assert.doesNotMatch(names, /handbr|hand-made|10\.77\.0\.0/);
    const sweep = await vlab(['down', 'seed', '--sweep']);
    assert.equal(sweep.exitCode, 0, sweep.stdout + sweep.stderr);
    assert.match(sweep.stdout, /removed: bridge isolationbr: deleted/);
    assert.ok((await execa('ip', ['link', 'show', 'handbr'], { reject: false })).exitCode === 0, 'handbr stays');
    assert.match(String((await execa('iptables', ['-S', 'FORWARD'])).stdout), /10\.77\.0\.0\/16/, 'the untagged rule stays');
    assert.equal((await execa('virsh', ['-c', 'qemu:///system', 'domstate', 'hand-made'], { reject: false })).exitCode, 0, 'hand-made stays');
  } finally {
    await execa('ip', ['link', 'del', 'handbr'], { reject: false });
    await execa('iptables', ['-D', 'FORWARD', '-s', '10.77.0.0/16', '-j', 'ACCEPT'], { reject: false });
    await execa('virsh', ['-c', 'qemu:///system', 'undefine', 'hand-made'], { reject: false });
  }
  assert.equal(await snapshot(), before);
});

test(
  'leak sweep, bridged-uplink lab with a corrupt state: the NIC goes back from the undo-facts record, then the bridge; the host is as before up',
  { skip, timeout: 600_000 },
  async () => {
    const before = await snapshot();
    const dir = await mkdtemp('/run/vlab-sweep-');
    const file = await writeLab(
      dir,
      'swlan',
      `name: swlan
networks:
  lan: { bridge: br0, uplink: eth0, cidr: 192.0.2.0/24, gateway: 192.0.2.1 }
images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  fixed: { image: tiny, memory: 160, interfaces: [ { network: lan, address: 192.0.2.50 } ] }
`,
    );
    const up = await vlab(['-f', file, 'up', '--no-checkpoint']);
    assert.equal(up.exitCode, 0, up.stdout + up.stderr);
    await writeFile('/var/lib/vlab/swlan/state.json', '{ "version": 1, "entr');
    const down = await vlab(['-f', file, 'down']);
    assert.equal(down.exitCode, 3, down.stdout + down.stderr);
    assert.match(down.stderr, /corrupt/);
    assert.match(down.stderr, /vlab down swlan --sweep/);
    assert.doesNotMatch(down.stderr, /vlab bug/);
    const { report } = await doctor();
    assert.equal(report.leftovers.find((x) => x.lab === 'swlan')?.state, 'corrupt');
    const sweep = await vlab(['down', 'swlan', '--sweep']);
    assert.equal(sweep.exitCode, 0, sweep.stdout + sweep.stderr);
    assert.match(sweep.stdout, /uplink eth0: moved back out of br0/);
    assert.equal(await snapshot(), before);
    await mkdir(dir, { recursive: true });
  },
);
