/**
 * A lab across two hosts, in the two-host test bed (docs/testbed.md): this sandbox is host A (the
 * controller), host B is a nested sandbox reached over SSH at 198.19.0.2. Three tiny guests, one
 * network stretched over VXLAN (gateway and NAT on A), one local to B. up, verify (across the
 * VXLAN, gateway, outside through A's NAT, the isolated network unable to leave from B), down:
 * both hosts' snapshots equal to before. Then a SIGKILL mid-up, an unreachable B at down, and
 * `-c qemu+ssh://…` alone. Every address lives in a namespace the sandbox made.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO, sandboxSkipReason } from './helpers/env.js';
import { ensureTinyImage } from './helpers/tiny.js';
import { snapshot, vlab, vlabBackground } from './helpers/vlab.js';

const skip = sandboxSkipReason();
const LIB = path.join(REPO, 'sandbox', 'sandbox-lib.sh');
const DIR = '/run/vlab-multi-host';
const peer: Record<string, string> = {};

const sh = (script: string) => execa('bash', ['-c', `source "${LIB}"\n${script}`], { reject: false });

async function snapshotB(): Promise<string> {
  const file = `${DIR}/b-${Date.now()}.txt`;
  const r = await sh(`sandbox_peer_snapshot hostb ${file}`);
  assert.equal(r.exitCode, 0, r.stderr);
  return readFile(file, 'utf8');
}

function labFile(hosts: boolean): string {
  return `name: duo
${
  hosts
    ? `hosts:
  a: { local: true, underlay: 198.19.0.1 }
  b: { ssh: { host: 198.19.0.2, user: root, identity: ${peer.key}, known_hosts: ${peer.knownHosts} } }
`
    : ''
}networks:
  lan: { cidr: 172.30.0.0/24, nat: true }
  iso: { cidr: 172.31.0.0/24${hosts ? ', gateway_host: b' : ''} }
images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  g1: { image: tiny, memory: 128, interfaces: [{ network: lan, address: 172.30.0.11 }] }
  g2: { image: tiny, memory: 128${hosts ? ', host: b' : ''}, interfaces: [{ network: lan, address: 172.30.0.12 }, { network: iso, address: 172.31.0.12 }] }
  g3: { image: tiny, memory: 128, exec: ssh${hosts ? ', host: b' : ''}, interfaces: [{ network: iso, address: 172.31.0.13 }] }
verify:
  external: [198.18.0.2]
`;
}

let LAB = '';

before(async () => {
  if (skip) return;
  await ensureTinyImage();
  await execa('mkdir', ['-p', DIR]);
  const r = await sh(`sandbox_outside_up >/dev/null && sandbox_peer_up >&2 && echo "$SANDBOX_PEER_KEY $SANDBOX_PEER_KNOWN_HOSTS"`);
  assert.equal(r.exitCode, 0, r.stderr);
  const [key, knownHosts] = r.stdout.trim().split(' ');
  Object.assign(peer, { key, knownHosts });
  LAB = path.join(DIR, 'duo.yaml');
  await writeFile(LAB, labFile(true));
});

after(async () => {
  if (!skip) await sh('sandbox_peer_down hostb');
});

test(
  'a lab across two hosts: up, verify across the VXLAN and through NAT on A, exec and ssh through B, reset and reset --cold, status, down leaves both hosts as before',
  { skip, timeout: 600_000 },
  async () => {
    const a0 = await snapshot();
    const b0 = await snapshotB();
    const plan = await vlab(['plan', '-f', LAB]);
    assert.equal(plan.exitCode, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /create VXLAN vx\d+ .*local 198\.19\.0\.1/);
    assert.match(plan.stdout, /on host b|host b/);
    const up = await vlab(['up', '-f', LAB]);
    assert.equal(up.exitCode, 0, up.stdout + up.stderr);
    // B really holds its guests, bridges and the VXLAN end; A does not hold B's guests.
    const onB = await sh('sandbox_peer_ssh hostb virsh -c qemu:///system list --name; sandbox_peer_ssh hostb ip -br link');
    assert.match(onB.stdout, /vlab-duo-g2/);
    assert.match(onB.stdout, /vlab-duo-g3/);
    assert.match(onB.stdout, /^vx\d+\s/m);
    const onA = await execa('virsh', ['-c', 'qemu:///system', 'list', '--name']);
    assert.doesNotMatch(onA.stdout, /vlab-duo-g2/);
    const verify = await vlab(['verify', '-f', LAB, '--json']);
    assert.equal(verify.exitCode, 0, verify.stdout + verify.stderr);
    const v = JSON.parse(verify.stdout) as { checks: { from: string; to: string; expect: string; ok: boolean }[] };
    const find = (from: string, to: RegExp) => v.checks.find((c) => c.from === from && to.test(c.to));
    assert.equal(find('g1', /g2/)?.ok, true, 'g1 on A reaches g2 on B across the VXLAN');
    assert.equal(find('g2', /external/)?.ok, true, 'g2 on B reaches the outside through NAT on A');
    assert.equal(find('g3', /external/)?.expect, 'unreachable');
    assert.equal(find('g3', /external/)?.ok, true, 'the isolated network cannot leave from B');
    // g3 (exec: ssh) is on iso, whose gateway is B: SSH goes through B (a ProxyCommand over B's connection).
    const exec = await vlab(['-v', 'exec', '-f', LAB, 'g3', '--', 'hostname']);
    assert.equal(exec.exitCode, 0, exec.stderr);
    assert.match(exec.stdout, /g3/);
    assert.match(exec.stderr, /ProxyCommand=ssh .*198\.19\.0\.2/, 'through host B');
    const session = await vlab(['ssh', '-f', LAB, 'g3', '--', 'cat', '/etc/hostname']);
    assert.equal(session.exitCode, 0, session.stderr);
    assert.match(session.stdout, /g3/);
    const config = await vlab(['ssh-config', '-f', LAB]);
    assert.match(config.stdout, /ProxyCommand ssh .*198\.19\.0\.2/);
    // reset: the guests on both hosts back at the `ready` checkpoint (a file made in g2, on B, is gone).
    const mark = await vlab(['exec', '-f', LAB, 'g2', '--', 'touch', '/root/vlab-marker']);
    assert.equal(mark.exitCode, 0, mark.stderr);
    const reset = await vlab(['reset', '-f', LAB]);
    assert.equal(reset.exitCode, 0, reset.stdout + reset.stderr);
    const gone = await vlab(['exec', '-f', LAB, 'g2', '--', 'test', '-e', '/root/vlab-marker']);
    assert.notEqual(gone.exitCode, 0, 'the marker is gone after reset');
    // reset --cold: fresh running disks on each guest's host, a new boot, the checkpoint taken again.
    const mark2 = await vlab(['exec', '-f', LAB, 'g2', '--', 'sh', '-c', 'echo x > /root/vlab-marker; sync']);
    assert.equal(mark2.exitCode, 0, mark2.stderr);
    const cold = await vlab(['reset', '--cold', '-f', LAB]);
    assert.equal(cold.exitCode, 0, cold.stdout + cold.stderr);
    const gone2 = await vlab(['exec', '-f', LAB, 'g2', '--', 'test', '-e', '/root/vlab-marker']);
    assert.notEqual(gone2.exitCode, 0, 'the marker written to disk is gone after reset --cold');
    const status = await vlab(['status', '-f', LAB, '--json']);
    assert.equal(status.exitCode, 0, status.stderr);
    const st = JSON.parse(status.stdout) as { hostSideInPlace: boolean; guests: { name: string; host?: string; state: string }[] };
    assert.equal(st.hostSideInPlace, true);
    assert.deepEqual(
      st.guests.map((g) => [g.name, g.host, g.state]),
      [
        ['g1', 'a', 'running'],
        ['g2', 'b', 'running'],
        ['g3', 'b', 'running'],
      ],
    );
    const down = await vlab(['down', '-f', LAB]);
    assert.equal(down.exitCode, 0, down.stdout + down.stderr);
    assert.equal(await snapshot(), a0, 'host A as before up');
    assert.equal(await snapshotB(), b0, 'host B as before up');
  },
);

test('SIGKILL during up, then down: both hosts clean', { skip, timeout: 600_000 }, async () => {
  const a0 = await snapshot();
  const b0 = await snapshotB();
  const child = vlabBackground(['up', '-f', LAB]);
  // Kill once B has its first guest's files (the copy to B has begun).
  for (let i = 0; i < 600; i++) {
    const r = await sh('sandbox_peer_ssh hostb ls /var/lib/vlab/duo/disks 2>/dev/null');
    if (/qcow2/.test(r.stdout)) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  child.kill('SIGKILL');
  await child;
  const down = await vlab(['down', '-f', LAB]);
  assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  assert.equal(await snapshot(), a0, 'host A as before up');
  assert.equal(await snapshotB(), b0, 'host B as before up');
});

test('host B unreachable at down: exit 3 naming B, A clean, B kept in the journal; B back, down again: B clean', { skip, timeout: 600_000 }, async () => {
  const a0 = await snapshot();
  const b0 = await snapshotB();
  const up = await vlab(['up', '-f', LAB, '--no-checkpoint']);
  assert.equal(up.exitCode, 0, up.stdout + up.stderr);
  assert.equal((await sh('sandbox_peer_cut hostb')).exitCode, 0);
  // The shared SSH connection would outlive the cut for a while: close it, as a real outage would.
  await execa('bash', ['-c', 'for s in /run/vlab/ssh/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit x 2>/dev/null; done; true']);
  const down = await vlab(['down', '-f', LAB]);
  assert.equal(down.exitCode, 3, down.stdout + down.stderr);
  assert.match(down.stderr + down.stdout, /host b/i);
  const state = JSON.parse(await readFile('/var/lib/vlab/duo/state.json', 'utf8')) as { entries: { host?: string }[] };
  assert.ok(state.entries.length > 0 && state.entries.every((e) => e.host === 'b'), 'only B entries are left');
  assert.equal((await sh('sandbox_peer_mend hostb')).exitCode, 0);
  // A is clean except the lab's state dir, which keeps B's entries (compared once the underlay, cut by this test, is back).
  const strip = (s: string) => s.replace(/^duo(\/.*)? [dfl] \d+\n/gm, '');
  assert.equal(strip(await snapshot()), strip(a0), 'host A clean apart from the journal of B');
  const again = await vlab(['down', '-f', LAB]);
  assert.equal(again.exitCode, 0, again.stdout + again.stderr);
  assert.equal(await snapshot(), a0, 'host A as before up');
  assert.equal(await snapshotB(), b0, 'host B as before up');
});

test('-c qemu+ssh://… alone: every change on the remote host, this one unchanged; -c with hosts: exits 2', { skip, timeout: 600_000 }, async () => {
  const single = path.join(DIR, 'single.yaml');
  // B has no way out (no default route): this lab checks only its guests and gateways.
  await writeFile(
    single,
    labFile(false)
      .replace('name: duo', 'name: solo')
      .replace(/\n {2}g1: .*\n/, '\n')
      .replace(/verify:\n.*\n/, ''),
  );
  const uri = `qemu+ssh://root@198.19.0.2/system?keyfile=${peer.key}&known_hosts=${peer.knownHosts}`;
  const a0 = await snapshot();
  const b0 = await snapshotB();
  const both = await vlab(['up', '-f', LAB, '-c', uri]);
  assert.equal(both.exitCode, 2, both.stdout + both.stderr);
  assert.match(both.stderr, /cannot be used together/);
  const up = await vlab(['up', '-f', single, '-c', uri, '--no-checkpoint']);
  assert.equal(up.exitCode, 0, up.stdout + up.stderr);
  const aUp = await snapshot();
  const strip = (s: string) => s.replace(/^solo(\/.*)? [dfl] \d+\n/gm, '');
  assert.equal(strip(aUp), strip(a0), 'nothing but the journal on this host');
  const onB = await sh('sandbox_peer_ssh hostb virsh -c qemu:///system list --name');
  assert.match(onB.stdout, /vlab-solo-g2/);
  const verify = await vlab(['verify', '-f', single]);
  assert.equal(verify.exitCode, 0, verify.stdout + verify.stderr);
  const down = await vlab(['down', '-f', single]);
  assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  assert.equal(await snapshot(), a0);
  assert.equal(await snapshotB(), b0);
});
