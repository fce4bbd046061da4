/** The doctor's verdicts against fixtures: each condition gives its status, what was seen and the fix. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canTraverse, hostChecks, labChecks, worst } from '../../src/doctor/checks.js';
import { cleanProbe } from '../fakes/probe-facts.js';

const byId = (facts = cleanProbe()) => Object.fromEntries(hostChecks(facts).map((c) => [c.id, c]));

test('a clean TCG host under PVM: everything ok but the accelerator, which is a warn that explains PVM and TCG', () => {
  const c = byId();
  assert.equal(worst(Object.values(c)), 'warn');
  assert.equal(c.kvm!.status, 'warn');
  assert.match(c.kvm!.seen, /TCG \(software emulation\): kvm_pvm module loaded/);
  assert.match(c.kvm!.fix!, /PVM hypervisor/);
  for (const id of ['libvirt', 'qemu', 'kvm-access', 'iptables', 'forward-policy', 'br-netfilter', 'tools', 'state-root', 'disk', 'memory']) assert.equal(c[id]!.status, 'ok', id);
  assert.equal(c['kvm-nested'], undefined, 'nesting is not judged without working KVM');
});

test('KVM working: nested on is ok, nested off is a warn with the modprobe fix', () => {
  const kvm = (nested: string) =>
    byId(
      cleanProbe({
        kvm: { accel: { kvm: true, reason: '/dev/kvm with kvm_intel' }, dev: { mode: 0o660, uid: 0, gid: 997, group: 'kvm' }, cpuFlag: 'vmx', module: 'kvm_intel', nested },
      }),
    );
  const on = kvm('Y');
  assert.equal(on.kvm!.status, 'ok');
  assert.match(on.kvm!.seen, /KVM \(\/dev\/kvm with kvm_intel\)/);
  assert.equal(on['kvm-nested']!.status, 'ok');
  const off = kvm('N');
  assert.equal(off['kvm-nested']!.status, 'warn');
  assert.match(off['kvm-nested']!.fix!, /options kvm_intel nested=1/);
});

test('no /dev/kvm: the reason depends on the CPU flag', () => {
  const none = byId(cleanProbe({ kvm: { accel: { kvm: false, reason: '/dev/kvm missing' } } }));
  assert.match(none.kvm!.seen, /no \/dev\/kvm and no vmx\/svm CPU flag/);
  const flag = byId(cleanProbe({ kvm: { accel: { kvm: false, reason: '/dev/kvm missing' }, cpuFlag: 'svm' } }));
  assert.match(flag.kvm!.seen, /the CPU has svm but there is no \/dev\/kvm \(modprobe kvm_amd/);
});

test("/dev/kvm of group ssl-cert while libvirt-qemu is in kvm: warn, with libvirt's re-probe and the chgrp fix", () => {
  const f = cleanProbe();
  f.kvm.dev = { mode: 0o660, uid: 0, gid: 109, group: 'ssl-cert' };
  const c = byId(f)['kvm-access']!;
  assert.equal(c.status, 'warn');
  assert.match(c.seen, /0660 group ssl-cert, and libvirt-qemu \(groups libvirt-qemu, kvm\) cannot open it: libvirtd .* probes qemu again on every define/);
  assert.match(c.fix!, /chgrp kvm \/dev\/kvm/);
});

test('FORWARD DROP with Docker, firewalld, ufw and br_netfilter with bridge-nf-call-iptables=1 are each reported with a fix', () => {
  const c = byId(
    cleanProbe({
      iptables: { backend: 'nf_tables', nftRules: 12, forwardPolicy: 'DROP', docker: true, ufwChains: false },
      firewalldRunning: true,
      ufwEnabled: true,
      brNetfilter: { loaded: true, callIptables: '1' },
    }),
  );
  assert.equal(c['forward-policy']!.status, 'warn');
  assert.match(c['forward-policy']!.seen, /DROP \(Docker manages this firewall/);
  assert.equal(c.firewalld!.status, 'warn');
  assert.match(c.firewalld!.fix!, /trusted zone/);
  assert.equal(c.ufw!.status, 'warn');
  assert.equal(c['br-netfilter']!.status, 'warn');
  assert.match(c['br-netfilter']!.fix!, /bridge-nf-call-iptables=0/);
  const loadedOff = byId(cleanProbe({ brNetfilter: { loaded: true, callIptables: '0' } }))['br-netfilter']!;
  assert.equal(loadedOff.status, 'ok');
});

test('rules in both iptables backends: warn; iptables missing: fail', () => {
  const mixed = byId(cleanProbe({ iptables: { backend: 'nf_tables', legacyRules: 3, nftRules: 7, forwardPolicy: 'ACCEPT', docker: false, ufwChains: false } })).iptables!;
  assert.equal(mixed.status, 'warn');
  assert.match(mixed.seen, /legacy 3, nf_tables 7/);
  const gone = byId(cleanProbe({ iptables: { docker: false, ufwChains: false } })).iptables!;
  assert.equal(gone.status, 'fail');
});

test('a 0700 parent of the state root fails with the folder, the symptom and the fix', () => {
  const f = cleanProbe();
  f.stateRoot = {
    path: '/srv/private/vlab',
    chain: [
      { dir: '/', mode: 0o755, uid: 0, gid: 0 },
      { dir: '/srv', mode: 0o755, uid: 0, gid: 0 },
      { dir: '/srv/private', mode: 0o700, uid: 0, gid: 0 },
    ],
    freeBytes: 1 << 40,
  };
  const c = byId(f)['state-root']!;
  assert.equal(c.status, 'fail');
  assert.match(c.seen, /libvirt-qemu cannot enter \/srv\/private \(mode 0700, owner 0:0\).*Cannot access storage file/);
  assert.match(c.fix!, /chmod o\+x \/srv\/private, or set VLAB_STATE_DIR/);
  assert.equal(worst(hostChecks(f)), 'fail');
});

test('canTraverse: owner, group and other bits, and root', () => {
  const u = { name: 'q', uid: 10, gids: [20], groups: ['g'] };
  assert.equal(canTraverse({ mode: 0o700, uid: 10, gid: 0 }, u), true);
  assert.equal(canTraverse({ mode: 0o710, uid: 0, gid: 20 }, u), true);
  assert.equal(canTraverse({ mode: 0o770, uid: 0, gid: 21 }, u), false);
  assert.equal(canTraverse({ mode: 0o701, uid: 0, gid: 21 }, u), true);
  assert.equal(canTraverse({ mode: 0o700, uid: 0, gid: 0 }, { ...u, uid: 0 }), true);
});

test('missing tools: the required ones fail, the fast path ones warn with what it costs', () => {
  const f = cleanProbe();
  f.tools = { ...f.tools, debugfs: null };
  assert.equal(byId(f).tools!.status, 'warn');
  assert.match(byId(f).tools!.seen, /missing debugfs: guest disks go through the libguestfs appliance/);
  f.tools = { ...f.tools, virsh: null };
  assert.equal(byId(f).tools!.status, 'fail');
});

test("a lab's needs: too much memory or disk fail; an unreadable image fails with the fix", () => {
  const f = cleanProbe({ memAvailableBytes: 1024 ** 3 });
  const checks = labChecks(
    {
      lab: 'big',
      guests: 2000,
      memoryMiB: 2000 * 64,
      diskBytes: 2000 * 320 * 1024 ** 2,
      images: [
        { name: 'tiny', disk: '/img/tiny.qcow2', format: 'qcow2', readable: true },
        { name: 'priv', disk: '/root/x.qcow2', format: 'qcow2', readable: false },
        { name: 'gone', problem: '/img/gone does not exist' },
      ],
    },
    f,
  );
  const c = Object.fromEntries(checks.map((x) => [x.id, x]));
  assert.equal(c['lab-memory']!.status, 'fail');
  assert.match(c['lab-memory']!.seen, /2000 guests need 128000 MiB, only 1024 MiB available/);
  assert.equal(c['lab-disk']!.status, 'fail');
  assert.equal(c['image:tiny']!.status, 'ok');
  assert.equal(c['image:priv']!.status, 'fail');
  assert.match(c['image:priv']!.fix!, /chmod o\+r/);
  assert.equal(c['image:gone']!.status, 'fail');
});
