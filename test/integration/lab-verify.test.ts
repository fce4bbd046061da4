/**
 * `vlab verify` for real, in the sandbox, against the simulated outside host 198.18.0.2: the seed
 * lab passes every derived check; with `nat: false` the external checks are expected unreachable
 * and pass; and faults made by hand are reported exactly (exit 1, only the affected checks).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { parseStringPromise } from 'xml2js';
import { sandboxSkipReason } from './helpers/env.js';
import { SEED, vlab, writeLab, outsideUp } from './helpers/vlab.js';

const skip = sandboxSkipReason();

interface CheckJson {
  from: string;
  to: string;
  address: string;
  expect: string;
  reachable: boolean;
  ok: boolean;
  reason: string | null;
}

async function verifyJson(
  file: string,
  extra: string[] = [],
): Promise<{ exitCode: number | undefined; json: { ok: boolean; checks: CheckJson[]; summary: { total: number; passed: number; failed: number } } }> {
  const r = await vlab(['-f', file, 'verify', '--json', ...extra]);
  assert.ok(r.stdout.trim().startsWith('{'), `verify printed no JSON:\n${r.stdout}\n${r.stderr}`);
  return { exitCode: r.exitCode, json: JSON.parse(r.stdout) };
}

const failed = (checks: CheckJson[]) =>
  checks
    .filter((c) => !c.ok)
    .map((c) => `${c.from}->${c.to}`)
    .sort();

before(async () => {
  if (skip) return;
  await outsideUp();
  const up = await vlab(['-f', SEED, 'up']);
  assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
});

after(async () => {
  if (!skip) await vlab(['-f', SEED, 'down']);
});

test('seed lab with NAT: every derived check passes; matrix, JSON and JUnit agree', { skip, timeout: 300_000 }, async () => {
  const dir = await mkdtemp('/run/vlab-verify-');
  const junit = path.join(dir, 'junit.xml');
  const human = await vlab(['-f', SEED, 'verify', '--junit', junit]);
  assert.equal(human.exitCode, 0, human.stdout + human.stderr);
  const m = /Results: (\d+)\/(\d+) checks passed/.exec(human.stdout);
  assert.ok(m, human.stdout);
  const { exitCode, json } = await verifyJson(SEED);
  assert.equal(exitCode, 0);
  assert.equal(json.ok, true);
  assert.equal(json.summary.total, Number(m[2]));
  assert.equal(json.summary.passed, Number(m[1]));
  // gateway + peer + external for each of 2 guests; the explicit web->db merges with the derived one.
  assert.equal(json.summary.total, 6);
  assert.ok(json.checks.some((c) => c.to.startsWith('external') && c.expect === 'reachable' && c.reachable));
  const x = await parseStringPromise(await readFile(junit, 'utf8'));
  const suite = x.testsuites.testsuite[0];
  assert.equal(Number(suite.$.tests), json.summary.total);
  assert.equal(Number(suite.$.failures ?? 0), 0);
});

test('the NAT rule deleted by hand: only the external checks fail', { skip, timeout: 300_000 }, async () => {
  const spec = ['-s', '172.16.0.0/16', '!', '-d', '172.16.0.0/16', '-m', 'comment', '--comment', 'vlab:seed', '-j', 'MASQUERADE'];
  await execa('iptables', ['-t', 'nat', '-D', 'POSTROUTING', ...spec]);
  try {
    const { exitCode, json } = await verifyJson(SEED);
    assert.equal(exitCode, 1);
    assert.deepEqual(failed(json.checks), ['db->external:198.18.0.2', 'web->external:198.18.0.2']);
    for (const c of json.checks.filter((c) => !c.ok)) assert.equal(c.reason, 'no reply');
  } finally {
    await execa('iptables', ['-t', 'nat', '-A', 'POSTROUTING', ...spec]);
  }
});

test("one guest's NIC set down through vlab exec: only checks to and from it fail, with reasons", { skip, timeout: 300_000 }, async () => {
  const down = await vlab(['-f', SEED, 'exec', 'db', '--', 'ip', 'link', 'set', 'eth0', 'down']);
  assert.equal(down.exitCode, 0, down.stderr);
  try {
    const { exitCode, json } = await verifyJson(SEED);
    assert.equal(exitCode, 1);
    assert.deepEqual(failed(json.checks), ['db->external:198.18.0.2', 'db->gateway:isolation', 'db->web', 'web->db']);
    for (const c of json.checks.filter((c) => !c.ok)) assert.ok(c.reason && c.reason.length > 0, JSON.stringify(c));
  } finally {
    await vlab(['-f', SEED, 'exec', 'db', '--', '/bin/sh', '-c', 'ip link set eth0 up && ip route replace default via 172.16.0.1']);
  }
  const { exitCode } = await verifyJson(SEED);
  assert.equal(exitCode, 0, 'the lab recovers once the NIC is up again');
});

test('one guest destroyed with virsh: its checks fail with "guest not running", the others still run', { skip, timeout: 300_000 }, async () => {
  await execa('virsh', ['-c', 'qemu:///system', 'destroy', 'vlab-seed-db']);
  const { exitCode, json } = await verifyJson(SEED);
  assert.equal(exitCode, 1);
  const fromDb = json.checks.filter((c) => c.from === 'db');
  assert.ok(fromDb.length > 0 && fromDb.every((c) => !c.ok && c.reason === 'guest not running'), JSON.stringify(fromDb));
  const webToGw = json.checks.find((c) => c.from === 'web' && c.to.startsWith('gateway'));
  assert.equal(webToGw?.ok, true, 'web still runs its checks');
  assert.equal(json.checks.find((c) => c.from === 'web' && c.to === 'db')?.ok, false);
  // Bring it back for whoever runs next: `up` restarts the stopped domain.
  const up = await vlab(['-f', SEED, 'up']);
  assert.equal(up.exitCode, 0, up.stderr);
});

test('the same lab with nat: false: external checks are expected unreachable and pass', { skip, timeout: 600_000 }, async () => {
  const dir = await mkdtemp('/run/vlab-iso-');
  const text = (await readFile(SEED, 'utf8'))
    .replace('name: seed', 'name: iso')
    .replace('nat: true', 'nat: false')
    .replace('bridge: isolationbr', 'bridge: isobr')
    .replace('cidr: 172.16.0.0/16', 'cidr: 172.17.0.0/16')
    .replace('gateway: 172.16.0.1', 'gateway: 172.17.0.1')
    .replaceAll('172.16.0.', '172.17.0.')
    .replace('mac: 52:54:00:12:34:56', 'mac: 52:54:00:12:34:57')
    .replace('../vm-images/tiny', path.resolve('vm-images/tiny'));
  const file = await writeLab(dir, 'iso', text);
  const up = await vlab(['-f', file, 'up']);
  assert.equal(up.exitCode, 0, up.stdout + up.stderr);
  try {
    const { exitCode, json } = await verifyJson(file);
    assert.equal(exitCode, 0, JSON.stringify(json.checks.filter((c) => !c.ok)));
    const ext = json.checks.filter((c) => c.to.startsWith('external'));
    assert.equal(ext.length, 2);
    assert.ok(ext.every((c) => c.expect === 'unreachable' && !c.reachable && c.ok));
    assert.ok(json.checks.some((c) => c.to.startsWith('gateway') && c.ok && c.reachable));
    assert.ok(json.checks.some((c) => c.from === 'web' && c.to === 'db' && c.ok));
  } finally {
    const down = await vlab(['-f', file, 'down']);
    assert.equal(down.exitCode, 0, down.stderr);
  }
});
