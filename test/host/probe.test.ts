/** The doctor's probe against a fixture tree of /proc, /sys, /dev and /etc (never the real kernel: no module is loaded, nothing is changed). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ProcProbe } from '../../src/host/probe.js';
import type { RunFn } from '../../src/host/run.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-probe-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const put = (p: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
  fs.writeFileSync(path.join(root, p), text);
};
put('proc/sys/net/bridge/bridge-nf-call-iptables', '1\n');
fs.mkdirSync(path.join(root, 'sys/module/br_netfilter'), { recursive: true });
put('sys/module/kvm_intel/parameters/nested', 'N\n');
put('dev/kvm', '');
fs.chmodSync(path.join(root, 'dev/kvm'), 0o660);
put('etc/group', 'root:x:0:\nkvm:x:997:qemu\nqemu:x:107:\n');
put('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nqemu:x:107:107:qemu:/:/usr/sbin/nologin\n');
put('etc/libvirt/qemu.conf', '# comment\nuser = "qemu"\n');
put('proc/cpuinfo', 'processor\t: 0\nflags\t\t: fpu vme vmx sse\n');
put('proc/meminfo', 'MemTotal:       24000000 kB\nMemAvailable:   2097152 kB\n');
put('etc/ufw/ufw.conf', 'ENABLED=yes\n');
put('proc/4242/comm', 'firewalld\n');
// Tools on a fixture PATH: only some exist.
for (const t of ['virsh', 'iptables', 'iptables-legacy-save', 'iptables-nft-save', 'qemu-img']) {
  put(`bin/${t}`, '#!/bin/sh\n');
  fs.chmodSync(path.join(root, 'bin', t), 0o755);
}

const outputs: Record<string, { exitCode: number; stdout: string }> = {
  'virsh -c qemu:///system version --daemon': { exitCode: 0, stdout: 'Compiled against library: libvirt 9.0.0\nRunning against daemon: 9.0.0\n' },
  'iptables -V': { exitCode: 0, stdout: 'iptables v1.8.9 (nf_tables)\n' },
  'iptables-legacy-save': { exitCode: 0, stdout: '*filter\n-A INPUT -j ACCEPT\nCOMMIT\n' },
  'iptables-nft-save': { exitCode: 0, stdout: '*filter\n-A FORWARD -j DOCKER-USER\n-A FORWARD -j ACCEPT\nCOMMIT\n' },
  'iptables -t filter -S': { exitCode: 0, stdout: '-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-N DOCKER\n-N DOCKER-USER\n' },
};
const run: RunFn = async (argv) => {
  const o = outputs[argv.join(' ')] ?? { exitCode: 1, stdout: '' };
  return { argv, exitCode: o.exitCode, stdout: o.stdout, stderr: o.exitCode ? 'not found' : '', durationMs: 1, skipped: false, timedOut: false };
};

test('reads every fact from the fixture tree and the commands, changing nothing', async () => {
  const f = await new ProcProbe(run, root, path.join(root, 'bin')).probe({ uri: 'qemu:///system', stateRoot: path.join(root, 'var/lib/vlab') });
  assert.deepEqual(f.libvirt, { answers: true, version: 'libvirtd 9.0.0' });
  assert.deepEqual(f.qemu, { machines: [] }, 'no qemu-system-x86_64 on the fixture PATH');
  assert.equal(f.kvm.accel.kvm, true);
  assert.equal(f.kvm.module, 'kvm_intel');
  assert.equal(f.kvm.nested, 'N');
  assert.equal(f.kvm.cpuFlag, 'vmx');
  assert.equal(f.kvm.dev?.mode, 0o660);
  assert.deepEqual(f.qemuUser, { name: 'qemu', uid: 107, gids: [107, 997], groups: ['qemu', 'kvm'] });
  assert.deepEqual(f.iptables, { backend: 'nf_tables', legacyRules: 1, nftRules: 2, forwardPolicy: 'DROP', docker: true, ufwChains: false });
  assert.equal(f.firewalldRunning, true);
  assert.equal(f.ufwEnabled, true);
  assert.deepEqual(f.brNetfilter, { loaded: true, callIptables: '1' });
  assert.equal(f.tools.virsh, path.join(root, 'bin/virsh'));
  assert.equal(f.tools.debugfs, null);
  assert.equal(f.memAvailableBytes, 2097152 * 1024);
  assert.equal(f.stateRoot.path, path.join(root, 'var/lib/vlab'));
  assert.ok(f.stateRoot.chain.length >= 2 && f.stateRoot.chain[0]!.dir === '/', 'the folders down to the nearest existing one');
  assert.ok((f.stateRoot.freeBytes ?? 0) > 0);
});

test("libvirtd not answering: the last line of virsh's error", async () => {
  const failing: RunFn = async (argv) => ({
    argv,
    exitCode: 1,
    stdout: '',
    stderr: 'error: failed to connect to the hypervisor\nerror: Failed to connect socket to /run/libvirt/libvirt-sock: No such file or directory\n',
    durationMs: 1,
    skipped: false,
    timedOut: false,
  });
  const f = await new ProcProbe(failing, root, path.join(root, 'bin')).probe({ uri: 'qemu:///system', stateRoot: '/nonexistent/x' });
  assert.equal(f.libvirt.answers, false);
  assert.match(f.libvirt.error ?? '', /Failed to connect socket/);
});

test('multiHost: the vxlan module (loaded, else modinfo) and each link MTU from ip -j link', async () => {
  const multi: RunFn = async (argv) => {
    const out: Record<string, string> = {
      'modinfo -F filename vxlan': '/lib/modules/6.1.0/kernel/drivers/net/vxlan/vxlan.ko\n',
      'ip -j link show': '[{"ifindex":1,"ifname":"lo","mtu":65536},{"ifindex":2,"ifname":"eth0","mtu":1400},{"ifname":"odd"}]',
    };
    const o = out[argv.join(' ')] ?? outputs[argv.join(' ')]?.stdout;
    return { argv, exitCode: o === undefined ? 1 : 0, stdout: o ?? '', stderr: '', durationMs: 1, skipped: false, timedOut: false };
  };
  for (const t of ['modinfo', 'ip']) {
    put(`bin/${t}`, '#!/bin/sh\n');
    fs.chmodSync(path.join(root, 'bin', t), 0o755);
  }
  try {
    const f = await new ProcProbe(multi, root, path.join(root, 'bin')).probe({ uri: 'qemu:///system', stateRoot: '/nonexistent/x', multiHost: true });
    assert.deepEqual(f.vxlan, { loaded: false, module: '/lib/modules/6.1.0/kernel/drivers/net/vxlan/vxlan.ko' });
    assert.deepEqual(f.linkMtu, { lo: 65536, eth0: 1400 });
    fs.mkdirSync(path.join(root, 'sys/module/vxlan'), { recursive: true });
    const loaded = await new ProcProbe(multi, root, path.join(root, 'bin')).probe({ uri: 'qemu:///system', stateRoot: '/nonexistent/x', multiHost: true });
    assert.deepEqual(loaded.vxlan, { loaded: true });
    const single = await new ProcProbe(multi, root, path.join(root, 'bin')).probe({ uri: 'qemu:///system', stateRoot: '/nonexistent/x' });
    assert.equal('vxlan' in single || 'linkMtu' in single, false, 'nothing more without multiHost');
  } finally {
    for (const t of ['modinfo', 'ip']) fs.rmSync(path.join(root, 'bin', t));
    fs.rmSync(path.join(root, 'sys/module/vxlan'), { recursive: true, force: true });
  }
});
