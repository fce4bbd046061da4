/** labDoctor for a multi-host lab against fake hosts: every remote host probed and judged on its own, an unreachable one is one failing check, and a single-host lab's report keeps its shape. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { HostUnreachableError } from '../../src/errors.js';
import type { Host } from '../../src/host/index.js';
import { labDoctor } from '../../src/lab/doctor.js';
import type { LoadedLab } from '../../src/lab/lab-file.js';
import { formatDoctor } from '../../src/cli/doctor-report.js';
import { parseLab } from '../../src/spec/load.js';
import { FakeHost } from '../fakes/fake-host.js';
import { cleanProbe } from '../fakes/probe-facts.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-doctor-hosts-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(path.join(dir, 'tiny.qcow2'), '');
const root = path.join(dir, 'state');
fs.mkdirSync(root);

const THREE_HOSTS = `
name: trio
hosts:
  a: { local: true, underlay: 198.19.0.1 }
  b: { ssh: { host: 198.19.0.2, user: root } }
  c: { ssh: { host: 198.19.0.3, port: 2222 } }
networks:
  lan: { bridge: triolan, cidr: 172.30.0.0/24, nat: true }
images:
  tiny: ${path.join(dir, 'tiny.qcow2')}
guests:
  g1: { image: tiny, memory: 256, interfaces: [{ network: lan, address: 172.30.0.11 }] }
  g2: { image: tiny, host: b, memory: 512, interfaces: [{ network: lan, address: 172.30.0.12 }] }
  g3: { image: tiny, host: b, memory: 512, interfaces: [{ network: lan, address: 172.30.0.13 }] }
`;

const loaded = (text: string): LoadedLab => ({ lab: parseLab(text, path.join(dir, 'lab.yaml')), text, file: path.join(dir, 'lab.yaml'), declaredImages: ['tiny'] });

/** A fake host with its underlay address on eth0, vxlan as given, MTU 1500. */
function fakeAt(address: string, vxlan: { loaded: boolean; module?: string; modinfoError?: string }) {
  const f = new FakeHost();
  f.state.addresses = [
    { ifname: 'lo', cidr: '127.0.0.1/8', scope: 'host' },
    { ifname: 'eth0', cidr: `${address}/24`, scope: 'global' },
  ];
  f.probeFacts = cleanProbe({ vxlan, linkMtu: { lo: 65536, eth0: 1500 } });
  return f;
}

/** This machine's fake, whose remote hosts are the fakes given (a name missing: a host ssh cannot reach). */
function controller(remotes: Record<string, Host>): { host: Host; asked: string[] } {
  const a = fakeAt('198.19.0.1', { loaded: true });
  const asked: string[] = [];
  const unreachable = (name: string): Host => ({
    ...new FakeHost().host,
    where: name,
    probe: {
      probe: () => Promise.reject(new HostUnreachableError(name, 'connect to host 198.19.0.3 port 2222: Connection refused', 'root@198.19.0.3:2222')),
      chain: () => [],
      freeBytes: () => undefined,
    },
  });
  return {
    host: {
      ...a.host,
      remote: (h) => {
        asked.push(h.name);
        return remotes[h.name] ?? unreachable(h.name);
      },
    },
    asked,
  };
}

test('multi-host: each remote host is judged on its own, with the memory of its guests and the VXLAN checks; an unreachable one is one failing check naming it', async () => {
  const b = fakeAt('198.19.0.2', { loaded: false, module: '/lib/modules/6.1.0/kernel/drivers/net/vxlan/vxlan.ko' });
  b.probeFacts.memAvailableBytes = 768 * 1024 ** 2;
  const { host, asked } = controller({ b: b.host });
  const r = await labDoctor({ host, root, uri: 'qemu:///system', loaded: loaded(THREE_HOSTS) });
  assert.deepEqual(asked.sort(), ['b', 'c']);
  assert.equal(r.status, 'fail');
  const ids = (cs: { id: string; status: string }[]) => Object.fromEntries(cs.map((c) => [c.id, c.status]));
  const here = ids(r.checks);
  assert.equal(here['lab-memory'], 'ok');
  assert.equal(r.lab?.guests, 1, "this machine's needs are those of the guests placed on it");
  assert.equal(r.lab?.memoryMiB, 256);
  assert.deepEqual([here['vxlan-module'], here.underlay, here['underlay-mtu']], ['ok', 'ok', 'ok']);
  assert.deepEqual(
    r.hosts?.map((h) => [h.name, h.destination, h.status]),
    [
      ['b', 'root@198.19.0.2', 'fail'],
      ['c', 'root@198.19.0.3:2222', 'fail'],
    ],
  );
  const hb = r.hosts![0]!;
  const bIds = ids(hb.checks);
  assert.equal(bIds.libvirt, 'ok', 'the same host checks as here');
  assert.equal(bIds['lab-memory'], 'fail', '1024 MiB of guests on b, 768 MiB available');
  assert.equal(bIds['vxlan-module'], 'warn');
  assert.equal(bIds.underlay, 'ok');
  assert.equal(bIds['underlay-mtu'], 'ok');
  assert.equal(bIds['image:tiny'], undefined, 'images are checked on the controller');
  assert.deepEqual(hb.lab && [hb.lab.guests, hb.lab.memoryMiB], [2, 1024]);
  assert.ok(hb.facts);
  const hc = r.hosts![1]!;
  assert.equal(hc.checks.length, 1);
  assert.equal(hc.checks[0]!.status, 'fail');
  assert.match(hc.checks[0]!.seen, /host c \(root@198\.19\.0\.3:2222\) is unreachable over ssh: .*Connection refused/);
  assert.match(hc.checks[0]!.fix!, /sshd runs there/);
  assert.equal(hc.facts, undefined);

  const text = formatDoctor(r);
  assert.match(text, /^this machine\n\n/);
  assert.ok(text.indexOf('\nhost b (root@198.19.0.2)\n') > text.indexOf('lab trio: memory'), "each remote host after this machine's checks");
  assert.match(text, /\nhost c \(root@198\.19\.0\.3:2222\)\n\nFAIL  host c  host c \(root@198\.19\.0\.3:2222\) is unreachable over ssh/);
  assert.match(text, /fail: the lab's hosts cannot run it until the failures are fixed \(exit 3\)\n$/);
  const json = JSON.parse(JSON.stringify(r)) as typeof r;
  assert.deepEqual(
    json.hosts?.map((h) => h.checks.length),
    r.hosts?.map((h) => h.checks.length),
    '--json carries the hosts',
  );
});

test("multi-host: an underlay that is not the host's own address fails on that host", async () => {
  const b = fakeAt('198.19.0.99', { loaded: true });
  const c = fakeAt('198.19.0.3', { loaded: true });
  const { host } = controller({ b: b.host, c: c.host });
  const r = await labDoctor({ host, root, uri: 'qemu:///system', loaded: loaded(THREE_HOSTS) });
  const underlay = r.hosts!.map((h) => h.checks.find((x) => x.id === 'underlay'));
  assert.equal(underlay[0]?.status, 'fail');
  assert.match(underlay[0]!.seen, /198\.19\.0\.2 is not an address of host b/);
  assert.equal(underlay[1], undefined, 'c holds no guest and no gateway: lan is not stretched to it');
  assert.equal(
    r.hosts![1]!.checks.some((x) => x.id === 'lab-memory'),
    false,
    'no guest on c: no lab needs there',
  );
});

test('single-host lab: no hosts in the report, no heading, the probe asked for nothing more', async () => {
  const f = new FakeHost();
  const r = await labDoctor({
    host: f.host,
    root,
    uri: 'qemu:///system',
    loaded: loaded(
      `name: solo\nnetworks:\n  lan: { cidr: 172.30.0.0/24 }\nimages:\n  tiny: ${path.join(dir, 'tiny.qcow2')}\nguests:\n  g1: { image: tiny, interfaces: [{ network: lan }] }\n`,
    ),
  });
  assert.equal(r.hosts, undefined);
  assert.deepEqual(Object.keys(r), ['status', 'checks', 'leftovers', 'lab', 'facts']);
  assert.equal(
    r.checks.some((c) => c.id.startsWith('vxlan') || c.id.startsWith('underlay')),
    false,
  );
  assert.doesNotMatch(formatDoctor(r), /this machine|^host /m);
});
