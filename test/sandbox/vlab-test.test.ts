/**
 * `vlab test` on the real machine (this file runs OUTSIDE any sandbox, as root): the seed lab
 * passes with a JUnit file and artifacts; a lab whose outside target is not simulated fails with
 * exit 1; two runs of the same lab file at once both pass; a SIGKILL mid-up leaves no process,
 * link or file. The host snapshot is the same after each. Every packet stays inside the sandbox's
 * own network namespace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO, rootSkipReason, sleep } from '../integration/helpers/env.js';
import { hostSnapshot } from '../integration/helpers/host-state.js';

const skip = rootSkipReason();
const VLAB = path.join(REPO, 'bin', 'vlab.js');
const SEED = path.join(REPO, 'examples', 'seed.yaml');
const run = (args: string[]) => execa('node', [VLAB, ...args], { reject: false, timeout: 600_000 });

/** Processes whose command line names `marker` (the run's own files). */
function processesNaming(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(marker) && Number(pid) !== process.pid) out.push(`${pid} ${cmd.slice(0, 120)}`);
    } catch {
      /* gone */
    }
  }
  return out;
}

/** A one-guest tiny lab (its outside target simulated or not). */
function oneGuest(name: string, test = ''): string {
  return `name: ${name}
networks:
  net: { cidr: 172.29.0.0/24, nat: true }
images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  solo: { image: tiny, memory: 128, interfaces: [ { network: net, address: 172.29.0.10 } ] }
verify:
  external: [198.18.0.2]
${test}`;
}

test('vlab test of the seed lab: exit 0, JUnit and artifacts on the real host, the host unchanged', { skip, timeout: 600_000 }, async () => {
  const before = (await hostSnapshot()).text;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vlab-test-'));
  try {
    const junit = path.join(dir, 'seed.xml');
    const r = await run(['test', SEED, '--junit', junit, '--artifacts', path.join(dir, 'art')]);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Results: 6\/6 checks passed/);
    assert.match(r.stdout, /vlab test seed: passed/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuite [^>]*tests="6"[^>]*failures="0"/);
    for (const f of ['console/web.log', 'console/db.log', 'state.json', 'verify.json']) assert.ok(existsSync(path.join(dir, 'art', f)), f);
    assert.match(readFileSync(path.join(dir, 'art', 'console/web.log'), 'utf8'), /vlab-guest|login|init/i);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal((await hostSnapshot()).text, before);
});

test('an outside target the sandbox does not simulate is unreachable: exit 1, the failed check in the JUnit file', { skip, timeout: 600_000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vlab-test-'));
  try {
    const file = path.join(dir, 'lab.yaml');
    await writeFile(file, oneGuest('vtfail', 'test:\n  outside: [198.18.0.9]\n'));
    const junit = path.join(dir, 'j.xml');
    const r = await run(['test', file, '--junit', junit]);
    assert.equal(r.exitCode, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAILED/);
    assert.match(readFileSync(junit, 'utf8'), /failures="1"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a bridged-uplink lab: vlab test simulates the LAN with DHCP behind the uplink NIC (test.lan default), verify passes', { skip, timeout: 600_000 }, async () => {
  const before = (await hostSnapshot()).text;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vlab-test-'));
  try {
    const file = path.join(dir, 'lan.yaml');
    await writeFile(
      file,
      `name: vtlan
networks:
  lan: { bridge: br0, uplink: eth0, cidr: 192.0.2.0/24, gateway: 192.0.2.1 }
images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  fixed: { image: tiny, memory: 128, interfaces: [ { network: lan, address: 192.0.2.50 } ] }
verify:
  checks:
    - { from: fixed, to: 192.0.2.1 }
`,
    );
    const r = await run(['test', file, '--json']);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as { verify: { ok: boolean; results: unknown[] } };
    assert.equal(j.verify.ok, true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal((await hostSnapshot()).text, before, "the real eth0 was never touched: the uplink was the sandbox's own");
});

test('a bad lab file exits 2 before any sandbox starts', { skip, timeout: 60_000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vlab-test-'));
  try {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'name: Bad Name\n');
    const r = await run(['test', file]);
    assert.equal(r.exitCode, 2, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /sandbox: ready/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('two vlab test runs of the same lab file at once (same bridge, same CIDR) both pass; the host is unchanged', { skip, timeout: 600_000 }, async () => {
  const before = (await hostSnapshot()).text;
  const [a, b] = await Promise.all([run(['test', SEED, '--json']), run(['test', SEED, '--json'])]);
  for (const r of [a, b]) {
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as { verify: { ok: boolean; results: unknown[] } };
    assert.equal(j.verify.ok, true);
    assert.equal(j.verify.results.length, 6);
  }
  assert.equal((await hostSnapshot()).text, before);
});

test('SIGKILL of vlab test mid-up leaves no process, link or file behind', { skip, timeout: 600_000 }, async () => {
  const before = (await hostSnapshot()).text;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vlab-test-kill-'));
  const file = path.join(dir, 'lab.yaml');
  await writeFile(file, oneGuest('vtkill'));
  const child = execa('node', [VLAB, 'test', file], { reject: false, all: true });
  let seen = '';
  child.all?.on('data', (d: Buffer) => (seen += String(d)));
  for (let i = 0; i < 600 && !/Domains|Guests ready/.test(seen); i++) await sleep(100);
  assert.match(seen, /Domains|Guests ready/, `the run got as far as the domains:\n${seen}`);
  child.kill('SIGKILL');
  await child;
  // The kernel tears the namespaces down: give it a moment.
  let left: string[] = [];
  for (let i = 0; i < 50; i++) {
    left = processesNaming(dir);
    if (!left.length) break;
    await sleep(200);
  }
  assert.deepEqual(left, [], 'no process of the run is left');
  assert.deepEqual((await execa('pgrep', ['-f', 'qemu-system.*vlab-vtkill'], { reject: false })).stdout.trim(), '', 'no qemu of the run is left');
  await rm(dir, { recursive: true, force: true });
  assert.equal((await hostSnapshot()).text, before);
});
