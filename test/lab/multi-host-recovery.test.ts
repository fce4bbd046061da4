/**
 * Multi-host labs against two fake hosts (A: this machine; B: a remote host whose files live
 * apart): up then down leaves both as they were; for EVERY journal record k, vlab "dies" right
 * after writing record k (both hosts see the process gone), and a new process's `down` leaves
 * both hosts exactly as before `up`, with the state folders gone on both. A host B that cannot be
 * reached keeps its entries and a later `down` finishes. Runs the real core, planner, apply and
 * down; only the hosts are simulated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CrashError, FakeHost } from '../fakes/fake-host.js';
import { fakeLab } from '../fakes/labs.js';
import { downOn, planOn, upOn } from '../fakes/run-lab.js';
import { labPaths } from '../../src/plan/paths.js';
import { HostUnreachableError } from '../../src/errors.js';
import type { Host } from '../../src/host/index.js';

const YAML = `name: duo
hosts:
  a: { local: true, underlay: 198.19.0.1 }
  b: { ssh: { host: 198.19.0.2 } }
networks:
  lan: { bridge: duolan, cidr: 172.30.0.0/24, nat: true }
  iso: { bridge: duoiso, cidr: 172.31.0.0/24, gateway_host: b }
images:
  tiny: IMAGES/tiny
guests:
  g1: { image: tiny, interfaces: [ { network: lan, address: 172.30.0.11 } ] }
  g2: { image: tiny, host: b, interfaces: [ { network: lan, address: 172.30.0.12 }, { network: iso, address: 172.31.0.12 } ] }
  g3: { image: tiny, host: b, interfaces: [ { network: iso, address: 172.31.0.13 } ] }
`;

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

/** Two fakes: B reached from A's Host through `remote`, its copies under its own folder; `cut` makes B unreachable. */
function twoHosts(dir: string) {
  const a = new FakeHost();
  const bRoot = path.join(dir, 'host-b');
  fs.mkdirSync(bRoot, { recursive: true });
  const b = new FakeHost(undefined, { fsRoot: bRoot });
  let cut = false;
  const unreachable = () => new HostUnreachableError('b', 'connect to host 198.19.0.2 port 22: No route to host', 'root@198.19.0.2');
  const bHost: Host = new Proxy(b.host, {
    get(target, prop, receiver) {
      if (prop === 'transfer')
        return {
          push: async (from: string, to: string) => {
            if (cut) throw unreachable();
            fs.mkdirSync(path.dirname(b.at(to)), { recursive: true });
            fs.copyFileSync(from, b.at(to));
            return 'sum';
          },
          sha256: async (p: string) => (fs.existsSync(b.at(p)) ? 'sum' : undefined),
          localSha256: async () => 'sum',
        };
      const port = Reflect.get(target, prop, receiver) as unknown;
      if (!cut || prop === 'dryRun' || typeof port !== 'object' || port === null) return port;
      // Cut off: every call of every port fails as ssh does.
      return new Proxy(port, {
        get(p, m) {
          const v = Reflect.get(p, m) as unknown;
          return typeof v === 'function'
            ? () => {
                throw unreachable();
              }
            : v;
        },
      });
    },
  });
  (a.host as { remote?: (h: unknown) => Host }).remote = () => bHost;
  return { a, b, bRoot, setCut: (v: boolean) => (cut = v) };
}

async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-mh-'));
  const root = path.join(dir, 'state');
  const { lab } = fakeLab(YAML, dir);
  const file = path.join(dir, 'vlab.yaml');
  const hosts = twoHosts(dir);
  const plan = await planOn(hosts.a, file, root);
  assert.deepEqual(plan.conflicts, []);
  // B's agent answers for B's guests too.
  for (const [mac, nic] of hosts.a.guestNics) hosts.b.guestNics.set(mac, nic);
  return { dir, root, lab, file, ...hosts };
}

function assertClean(s: Awaited<ReturnType<typeof setup>>, before: { a: string; b: string }, what: string) {
  assert.equal(s.a.snapshot(), before.a, `host A differs ${what}`);
  assert.equal(s.b.snapshot(), before.b, `host B differs ${what}`);
  const dirOnB = path.join(s.bRoot, labPaths(s.root, s.lab.name).dir);
  assert.equal(fs.existsSync(labPaths(s.root, s.lab.name).dir), false, `the state folder on A is gone ${what}`);
  assert.equal(fs.existsSync(dirOnB), false, `the lab's folder on B is gone ${what}`);
}

test('multi-host: up places each host its part, down leaves both hosts as they were; a crash after every journal record is recovered by down', async () => {
  const s = await setup();
  let records = 0;
  try {
    const before = { a: s.a.snapshot(), b: s.b.snapshot() };
    await upOn(s.a, s.file, s.root, () => records++);
    assert.ok(s.b.state.domains['vlab-duo-g2'] && s.b.state.domains['vlab-duo-g3'], 'B runs g2 and g3');
    assert.ok(!s.a.state.domains['vlab-duo-g2'] && s.a.state.domains['vlab-duo-g1'], 'A runs g1 only');
    assert.ok(
      s.a.state.links.some((l) => l.kind === 'vxlan' && l.master === 'duolan') && s.b.state.links.some((l) => l.kind === 'vxlan' && l.master === 'duolan'),
      'both ends of the VXLAN',
    );
    assert.ok(!s.a.state.links.some((l) => l.name === 'duoiso'), 'iso lives on B only');
    const down = await downOn(s.a, s.lab.name, s.root);
    assert.deepEqual(down.failed, []);
    assertClean(s, before, 'after up and down');
  } finally {
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
  assert.ok(records > 20, `${records} records`);
  for (let k = 1; k <= records; k++) {
    const c = await setup();
    try {
      const before = { a: c.a.snapshot(), b: c.b.snapshot() };
      let n = 0;
      let upError: unknown;
      await upOn(c.a, c.file, c.root, () => {
        if (++n !== k) return;
        c.a.crash();
        c.b.crash();
        throw new CrashError(`after record ${k}`);
      }).catch((e: unknown) => (upError = e));
      await settle();
      assert.ok(upError instanceof CrashError, `up should have died at record ${k}`);
      c.a.revive();
      c.b.revive();
      const down = await downOn(c.a, c.lab.name, c.root);
      assert.deepEqual(down.failed, [], `down after a crash at record ${k}: ${JSON.stringify(down.failed)}`);
      assertClean(c, before, `after a crash at record ${k} and down`);
    } finally {
      fs.rmSync(c.dir, { recursive: true, force: true });
    }
  }
});

test('multi-host: host B unreachable at down keeps only its entries, A is clean; B back, down finishes', async () => {
  const s = await setup();
  try {
    const before = { a: s.a.snapshot(), b: s.b.snapshot() };
    await upOn(s.a, s.file, s.root);
    s.setCut(true);
    const first = await downOn(s.a, s.lab.name, s.root);
    assert.deepEqual(first.unreachable, ['b']);
    // B's entries, and the `ready` snapshot (it holds B's guests too; A's part of it is gone).
    assert.ok(first.failed.length > 0 && first.failed.every((f) => (f.id.startsWith('b/') || f.id === 'snapshot:ready') && /host b/.test(f.error)), JSON.stringify(first.failed));
    assert.equal(s.a.snapshot(), before.a, 'A is clean');
    const state = JSON.parse(fs.readFileSync(labPaths(s.root, s.lab.name).state, 'utf8')) as { entries: { id: string; host?: string }[] };
    assert.ok(
      state.entries.every((e) => e.host === 'b' || e.id === 'snapshot:ready'),
      'only B entries (and the snapshot spanning hosts) are left',
    );
    assert.ok(!s.a.state.domains['vlab-duo-g1'], "A's guest is gone");
    s.setCut(false);
    const again = await downOn(s.a, s.lab.name, s.root);
    assert.deepEqual(again.failed, []);
    assertClean(s, before, 'after B came back and down ran again');
  } finally {
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});
