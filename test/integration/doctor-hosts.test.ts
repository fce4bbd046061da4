/**
 * `vlab doctor -f` for a lab across two hosts, in the two-host test bed (docs/testbed.md): this
 * sandbox is host A, host B a nested sandbox reached over SSH at 198.19.0.2. The report judges
 * both hosts (B with its own probe over SSH: its libvirtd, tools, underlay address and MTU);
 * with B cut off, doctor exits 3 with ONE failing check naming b. Changes nothing on either host.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO, sandboxSkipReason } from './helpers/env.js';
import { ensureTinyImage } from './helpers/tiny.js';
import { snapshot, vlab } from './helpers/vlab.js';

const skip = sandboxSkipReason();
const LIB = path.join(REPO, 'sandbox', 'sandbox-lib.sh');
const DIR = '/run/vlab-doctor-hosts';
let LAB = '';
/** A guest MTU that fits the test bed's underlay veth whatever this machine's NIC MTU (1400 here). */
const VXLAN_MTU = 1300;

const sh = (script: string) => execa('bash', ['-c', `source "${LIB}"\n${script}`], { reject: false });
/** Closes the shared SSH connections, as a real outage would (a cut leaves them open for a while). */
const closeMasters = () => execa('bash', ['-c', 'for s in /run/vlab/ssh/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit x 2>/dev/null; done; true']);

interface Check {
  id: string;
  status: string;
  seen: string;
  fix?: string;
}
interface Report {
  status: string;
  checks: Check[];
  hosts?: { name: string; destination: string; status: string; checks: Check[]; facts?: { uri: string; linkMtu?: Record<string, number> } }[];
}

before(async () => {
  if (skip) return;
  await ensureTinyImage();
  await execa('mkdir', ['-p', DIR]);
  const r = await sh(`sandbox_peer_up >&2 && echo "$SANDBOX_PEER_KEY $SANDBOX_PEER_KNOWN_HOSTS"`);
  assert.equal(r.exitCode, 0, r.stderr);
  const [key, knownHosts] = r.stdout.trim().split(' ');
  LAB = path.join(DIR, 'duo.yaml');
  await writeFile(
    LAB,
    `name: duo
hosts:
  a: { local: true, underlay: 198.19.0.1 }
  b: { ssh: { host: 198.19.0.2, user: root, identity: ${key}, known_hosts: ${knownHosts} } }
networks:
  lan: { cidr: 172.30.0.0/24, nat: true }
vxlan: { mtu: ${VXLAN_MTU} }
images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  g1: { image: tiny, memory: 128, interfaces: [{ network: lan, address: 172.30.0.11 }] }
  g2: { image: tiny, memory: 128, host: b, interfaces: [{ network: lan, address: 172.30.0.12 }] }
`,
  );
});

after(async () => {
  if (!skip) await sh('sandbox_peer_mend hostb; sandbox_peer_down hostb');
});

test('doctor -f on a two-host lab: both hosts judged, B through its own probe over SSH; nothing changed', { skip, timeout: 300_000 }, async () => {
  const a0 = await snapshot();
  const r = await vlab(['doctor', '-f', LAB, '--json']);
  assert.ok(r.exitCode === 0 || r.exitCode === 3, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  const byId = (cs: Check[]) => Object.fromEntries(cs.map((c) => [c.id, c]));
  const a = byId(report.checks);
  assert.equal(a.libvirt?.status, 'ok', JSON.stringify(a.libvirt));
  assert.equal(a.underlay?.status, 'ok', JSON.stringify(a.underlay));
  assert.equal(a['underlay-mtu']?.status, 'ok', JSON.stringify(a['underlay-mtu']));
  assert.match(a['underlay-mtu']!.seen, /^to-hostb mtu \d+/);
  assert.ok(a['vxlan-module'] && a['vxlan-module'].status !== 'fail', JSON.stringify(a['vxlan-module']));
  assert.equal(report.hosts?.length, 1);
  const hb = report.hosts![0]!;
  assert.deepEqual([hb.name, hb.destination], ['b', 'root@198.19.0.2']);
  const b = byId(hb.checks);
  assert.equal(b.host, undefined, `B was reached: ${JSON.stringify(b.host)}`);
  assert.equal(b.libvirt?.status, 'ok', JSON.stringify(b.libvirt));
  assert.equal(b.tools?.status === 'fail', false, JSON.stringify(b.tools));
  assert.equal(b.underlay?.status, 'ok', JSON.stringify(b.underlay));
  assert.match(b.underlay!.seen, /198\.19\.0\.2 on eth0/);
  assert.equal(b['underlay-mtu']?.status, 'ok', JSON.stringify(b['underlay-mtu']));
  const mtuB = (await sh("sandbox_peer_ssh hostb ip -o link show eth0 | sed -n 's/.* mtu \\([0-9]*\\) .*/\\1/p'")).stdout.trim();
  assert.match(b['underlay-mtu']!.seen, new RegExp(`^eth0 mtu ${mtuB} >= vxlan\\.mtu ${VXLAN_MTU} \\+ 50`));
  assert.equal(b['lab-memory']?.status, 'ok');
  assert.ok(hb.facts?.linkMtu?.eth0, "B's links are B's own (eth0 in its namespace)");
  assert.equal(report.checks.filter((c) => c.status === 'fail').length + hb.checks.filter((c) => c.status === 'fail').length > 0, r.exitCode === 3);
  const t0 = Date.now();
  const text = await vlab(['doctor', '-f', LAB]);
  console.log(`doctor -f over two hosts: ${Date.now() - t0} ms`);
  assert.match(text.stdout, /\nhost b \(root@198\.19\.0\.2\)\n/);
  assert.equal(await snapshot(), a0, 'doctor changed nothing on A');
});

test('B cut off: exit 3, and B is ONE failing check naming b with ssh reason and fix', { skip, timeout: 300_000 }, async () => {
  assert.equal((await sh('sandbox_peer_cut hostb')).exitCode, 0);
  try {
    await closeMasters();
    const started = Date.now();
    const r = await vlab(['doctor', '-f', LAB, '--json']);
    assert.equal(r.exitCode, 3, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.status, 'fail');
    const hb = report.hosts![0]!;
    assert.equal(hb.status, 'fail');
    assert.equal(hb.checks.length, 1, JSON.stringify(hb.checks));
    assert.equal(hb.checks[0]!.id, 'host');
    assert.match(hb.checks[0]!.seen, /host b \(root@198\.19\.0\.2\) is unreachable over ssh/);
    assert.ok(hb.checks[0]!.fix);
    assert.equal(hb.facts, undefined);
    assert.ok(Date.now() - started < 60_000, 'an unreachable host does not hang doctor');
  } finally {
    assert.equal((await sh('sandbox_peer_mend hostb')).exitCode, 0);
  }
});
