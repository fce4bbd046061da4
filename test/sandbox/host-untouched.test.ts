/**
 * scripts/sandbox.sh leaves the machine exactly as it was: whatever the command inside does
 * (bridges, iptables NAT rules, ip_forward, a libvirt NAT network, a running guest, files in
 * /etc/network and /var/lib/vlab), whether it fails, is SIGTERMed or SIGKILLed.
 * Runs OUTSIDE the sandbox, as root:
 *
 *   node --import tsx --test test/sandbox/host-untouched.test.ts
 *
 * Addresses used (10.251.0.0/24, 10.252.0.0/24) only ever exist inside the sandbox's own
 * network namespace; nothing is sent anywhere.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { REPO, rootSkipReason, sleep } from '../integration/helpers/env.js';
import { hostSnapshot, pidsInNamespace } from '../integration/helpers/host-state.js';
import { ensureTinyImage, tinyDomainXml, type TinyImage } from '../integration/helpers/tiny.js';

const skip = rootSkipReason();
const SANDBOX = path.join(REPO, 'scripts', 'sandbox.sh');

/**
 * What the command inside the sandbox does; $1 = marker (names the network, the guest and the
 * state folder), $2 = folder with net.xml and dom.xml, $3 = "fail" (exit 1) or "sleep",
 * $4 $5 $6 = the tiny image's disk, kernel and initrd (copied: libvirt chowns what guests use).
 */
const MESS = `set -euo pipefail
mark=$1 src=$2 mode=$3
ip link add vlabut0 type bridge
ip addr add 10.251.0.1/24 dev vlabut0
ip link set vlabut0 up
iptables -t nat -A POSTROUTING -s 10.251.0.0/24 ! -d 10.251.0.0/24 -j MASQUERADE
sysctl -qw net.ipv4.ip_forward=1
mkdir -p /etc/network/interfaces.d
echo "# $mark" >/etc/network/interfaces.d/"$mark"
echo "# $mark" >>/etc/libvirt/qemu.conf
echo "$mark" >/var/cache/vlab/"$mark"
virsh -q net-define "$src/net.xml"
virsh -q net-start "$mark"
d=/var/lib/vlab/$mark
mkdir -p "$d"
cp "$4" "$d/base.qcow2"
cp "$5" "$d/kernel"
cp "$6" "$d/initrd.img"
qemu-img create -q -f qcow2 -F qcow2 -b "$d/base.qcow2" "$d/disk.qcow2"
virsh -q create "$src/dom.xml"
virsh -q domstate "$mark" | grep -qx running
echo READY
if [ "$mode" = sleep ]; then exec sleep 600; fi
exit 1
`;

interface Mess {
  mark: string;
  src: string;
}

/** A marker and the files the command uses (in a host temp folder removed by the caller). */
async function prepare(img: TinyImage): Promise<Mess> {
  const mark = `vlab-untouched-${randomBytes(4).toString('hex')}`;
  const src = await mkdtemp(path.join(os.tmpdir(), 'vlab-untouched-'));
  await chmod(src, 0o755);
  const d = `/var/lib/vlab/${mark}`;
  await writeFile(
    path.join(src, 'net.xml'),
    `<network><name>${mark}</name><bridge name='vlabut1'/><forward mode='nat'/>
  <ip address='10.252.0.1' netmask='255.255.255.0'><dhcp><range start='10.252.0.10' end='10.252.0.20'/></dhcp></ip>
</network>\n`,
  );
  await writeFile(
    path.join(src, 'dom.xml'),
    tinyDomainXml({
      name: mark,
      image: { disk: `${d}/base.qcow2`, kernel: `${d}/kernel`, initrd: `${d}/initrd.img`, cmdline: img.cmdline },
      disk: `${d}/disk.qcow2`,
      memoryMiB: 128,
      nics: [{ mac: '52:54:00:25:00:02', bridge: 'vlabut1' }],
      consoleLog: `${d}/console.log`,
    }),
  );
  return { mark, src };
}

function startSandbox(m: Mess, img: TinyImage, mode: 'fail' | 'sleep'): ResultPromise<{ reject: false; timeout: number; forceKillAfterDelay: false }> {
  return execa('bash', [SANDBOX, '--', 'bash', '-c', MESS, 'mess', m.mark, m.src, mode, img.disk, img.kernel, img.initrd], {
    reject: false,
    timeout: 240_000,
    forceKillAfterDelay: false,
  });
}

/** Resolves when the sandboxed command printed READY; returns the PID namespace of the sandbox. */
async function whenReady(sub: ResultPromise, timeoutMs = 180_000): Promise<string> {
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no READY within ${timeoutMs} ms; stdout so far: ${out}`)), timeoutMs);
    sub.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('READY\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    sub.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (${code}) before READY; stdout: ${out}`));
    });
  });
  // sandbox.sh -> setpriv/unshare -> PID 1 of the sandbox
  const unshare = (await execa('pgrep', ['-P', String(sub.pid)])).stdout.split('\n')[0]!;
  const init = (await execa('pgrep', ['-P', unshare])).stdout.split('\n')[0]!;
  return (await execa('readlink', [`/proc/${init}/ns/pid`])).stdout.trim();
}

async function noneLeft(ns: string, mark: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let left: number[] = [];
  while (Date.now() < deadline) {
    left = await pidsInNamespace(ns);
    if (!left.length) break;
    await sleep(200);
  }
  assert.deepEqual(left, [], `processes of the sandbox still running: ${left.join(' ')}`);
  const byMark = await execa('pgrep', ['-f', mark], { reject: false });
  assert.equal(byMark.stdout.trim(), '', `processes mentioning ${mark} still running`);
}

describe('scripts/sandbox.sh leaves the host untouched', () => {
  let img: TinyImage;
  let baseline = '';
  const temps: string[] = [];

  before(async () => {
    if (skip) return;
    img = await ensureTinyImage();
    baseline = (await hostSnapshot()).text;
  });

  after(async () => {
    for (const t of temps) await rm(t, { recursive: true, force: true });
  });

  test('prints only "sandbox: ready" and passes the exit code through', { skip }, async () => {
    const ok = await execa('bash', [SANDBOX, '--', 'true'], { reject: false });
    assert.equal(ok.exitCode, 0);
    assert.equal(ok.stdout, '');
    assert.match(ok.stderr, /^sandbox: ready in \d+\.\ds$/);
    const r = await execa('bash', [SANDBOX, '--', 'sh', '-c', 'echo out; echo err >&2; exit 42'], { reject: false });
    assert.equal(r.exitCode, 42);
    assert.equal(r.stdout, 'out');
    assert.match(r.stderr, /^sandbox: ready in \d+\.\ds\nerr$/);
    const env = await execa('bash', [SANDBOX, '--', 'sh', '-c', 'echo $VLAB_SANDBOX $VLAB_STATE_DIR $LIBVIRT_DEFAULT_URI; stat -c %a /var/lib/vlab'], { reject: false });
    assert.equal(env.stdout, '1 /var/lib/vlab qemu:///system\n755');
  });

  test("a private /var/cache/vlab and, where the host's /dev/kvm is not of group kvm, a private node of group kvm", { skip }, async () => {
    const r = await execa(
      'bash',
      [
        SANDBOX,
        '--',
        'sh',
        '-c',
        'echo $VLAB_CACHE_DIR; findmnt -no FSTYPE /var/cache/vlab; stat -c %G /dev/kvm 2>/dev/null || echo none; grep "^kvm: " /run/vlab-sandbox/setup.log',
      ],
      { reject: false },
    );
    assert.equal(r.exitCode, 0, r.stderr);
    const [cacheDir, fsType, group, logLine] = String(r.stdout).split('\n');
    assert.equal(cacheDir, '/var/cache/vlab');
    assert.equal(fsType, 'tmpfs');
    const hostGroup = (await execa('stat', ['-c', '%G', '/dev/kvm'], { reject: false })).stdout.trim() || 'none';
    const hasKvmGroup = (await execa('getent', ['group', 'kvm'], { reject: false })).exitCode === 0;
    assert.equal(group, hostGroup === 'none' ? 'none' : hasKvmGroup ? 'kvm' : hostGroup);
    assert.match(logLine ?? '', hostGroup === 'none' || hostGroup === 'kvm' || !hasKvmGroup ? /^kvm: .*(nothing to do|left as it is)/ : /^kvm: .*bind-mounted a private node/);
    // vlab's accel detection is not fooled by the node: on a PVM host it still picks TCG.
    const accel = await execa('bash', [SANDBOX, '--', 'node', '--import', 'tsx', '-e', 'import("./src/host/accel.ts").then((m) => console.log(JSON.stringify(m.detectAccel())))'], {
      reject: false,
      cwd: REPO,
    });
    assert.equal(accel.exitCode, 0, accel.stderr);
    const inside = JSON.parse(String(accel.stdout)) as { kvm: boolean };
    const { detectAccel } = await import('../../src/host/accel.js');
    assert.equal(inside.kvm, detectAccel().kvm, 'the same accel inside the sandbox as on the host');
  });

  test('a failing command that changed network, iptables, sysctl and libvirt', { skip, timeout: 300_000 }, async (t) => {
    const m = await prepare(img);
    temps.push(m.src);
    const r = await startSandbox(m, img, 'fail');
    assert.match(String(r.stdout), /READY/, `the command did not get through its setup:\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.exitCode, 1, 'the command exit code (1) must pass through');
    const after = await hostSnapshot();
    for (const n of after.notes) t.diagnostic(n);
    assert.equal(after.text, baseline);
    const byMark = await execa('pgrep', ['-f', m.mark], { reject: false });
    assert.equal(byMark.stdout.trim(), '', `processes mentioning ${m.mark} still running`);
  });

  test('SIGKILL of the sandbox mid-run: no process survives, host untouched', { skip, timeout: 300_000 }, async () => {
    const m = await prepare(img);
    temps.push(m.src);
    const sub = startSandbox(m, img, 'sleep');
    const ns = await whenReady(sub);
    assert.ok((await pidsInNamespace(ns)).length >= 4, 'libvirtd, virtlogd, qemu and the command run in the sandbox');
    sub.kill('SIGKILL');
    const r = await sub;
    assert.equal(r.signal, 'SIGKILL');
    await noneLeft(ns, m.mark);
    assert.equal((await hostSnapshot()).text, baseline);
  });

  test('SIGTERM of the sandbox mid-run: stops with 143, no process survives', { skip, timeout: 300_000 }, async () => {
    const m = await prepare(img);
    temps.push(m.src);
    const sub = startSandbox(m, img, 'sleep');
    const ns = await whenReady(sub);
    const t0 = Date.now();
    sub.kill('SIGTERM');
    const r = await sub;
    assert.equal(r.exitCode, 143, `exit ${r.exitCode} signal ${r.signal}: ${r.stderr}`);
    assert.ok(Date.now() - t0 < 30_000, 'stopped within 30 s');
    await noneLeft(ns, m.mark);
    assert.equal((await hostSnapshot()).text, baseline);
  });
});
