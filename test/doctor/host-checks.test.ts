/** The multi-host checks against fixtures: the vxlan module, the underlay address, its MTU, and an unreachable host. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multiHostChecks, unreachableCheck } from '../../src/doctor/host-checks.js';
import type { LabHostFacts } from '../../src/doctor/facts.js';
import { HostUnreachableError } from '../../src/errors.js';
import { cleanProbe } from '../fakes/probe-facts.js';

const hostB = (over: Partial<LabHostFacts> = {}): LabHostFacts => ({
  name: 'b',
  underlay: '198.19.0.2',
  stretched: ['lan'],
  vxlanMtu: 1450,
  addresses: [
    { ifname: 'lo', cidr: '127.0.0.1/8' },
    { ifname: 'eth0', cidr: '198.19.0.2/24' },
  ],
  ...over,
});
const facts = (over: Parameters<typeof cleanProbe>[0] = {}) => cleanProbe({ vxlan: { loaded: true }, linkMtu: { lo: 65536, eth0: 1500 }, ...over });
const byId = (h: LabHostFacts, f = facts()) => Object.fromEntries(multiHostChecks(h, f).map((c) => [c.id, c]));

test('a host of a stretched network with vxlan loaded, its underlay on eth0 and MTU 1500: all ok', () => {
  const c = byId(hostB());
  assert.deepEqual(
    Object.values(c).map((x) => [x.id, x.status]),
    [
      ['vxlan-module', 'ok'],
      ['underlay', 'ok'],
      ['underlay-mtu', 'ok'],
    ],
  );
  assert.match(c.underlay!.seen, /198\.19\.0\.2 on eth0/);
  assert.match(c['underlay-mtu']!.seen, /eth0 mtu 1500 >= vxlan\.mtu 1450 \+ 50/);
});

test('no stretched network on the host: no multi-host check', () => {
  assert.deepEqual(multiHostChecks(hostB({ stretched: [] }), facts()), []);
});

test('vxlan not loaded: warn that up loads it and it stays loaded when modinfo finds it; fail when it cannot be found', () => {
  const avail = byId(hostB(), facts({ vxlan: { loaded: false, module: '/lib/modules/6.1.0/kernel/drivers/net/vxlan/vxlan.ko' } }))['vxlan-module']!;
  assert.equal(avail.status, 'warn');
  assert.match(avail.seen, /not loaded yet, available \(\/lib\/modules.*vxlan\.ko\): `vlab up` loads it for network lan, and it stays loaded after `vlab down`/);
  const missing = byId(hostB({ stretched: ['lan', 'iso'] }), facts({ vxlan: { loaded: false, modinfoError: 'modinfo: ERROR: Module vxlan not found.' } }))['vxlan-module']!;
  assert.equal(missing.status, 'fail');
  assert.match(missing.seen, /Module vxlan not found.*networks lan, iso cannot be stretched to host b/);
  assert.match(missing.fix!, /linux-image|CONFIG_VXLAN/);
});

test("an underlay that is not one of the host's addresses fails, naming what it has; none at all fails too", () => {
  const c = byId(hostB({ underlay: '10.9.9.9' }));
  assert.equal(c.underlay!.status, 'fail');
  assert.match(c.underlay!.seen, /10\.9\.9\.9 is not an address of host b \(it has 127\.0\.0\.1\/8 on lo, 198\.19\.0\.2\/24 on eth0\)/);
  assert.match(c.underlay!.fix!, /hosts\.b\.underlay/);
  assert.equal(c['underlay-mtu'], undefined, 'no MTU without the link');
  const { underlay: _u, ...rest } = hostB();
  assert.equal(byId(rest).underlay!.status, 'fail');
});

test('an underlay link whose MTU is below vxlan.mtu + 50 warns, naming vxlan.mtu and the value that fits', () => {
  const c = byId(hostB(), facts({ linkMtu: { eth0: 1450 } }))['underlay-mtu']!;
  assert.equal(c.status, 'warn');
  assert.match(c.seen, /eth0 mtu 1450 < vxlan\.mtu 1450 \+ 50 = 1500/);
  assert.match(c.fix!, /vxlan\.mtu: in the lab file to 1400 or less/);
  assert.equal(byId(hostB({ vxlanMtu: 8950 }), facts({ linkMtu: { eth0: 9000 } }))['underlay-mtu']!.status, 'ok');
  assert.equal(byId(hostB(), facts({ linkMtu: {} }))['underlay-mtu']!.status, 'warn');
});

test("an unreachable host is one failing check with ssh's reason and the fix", () => {
  const c = unreachableCheck('b', new HostUnreachableError('b', 'connect to host 198.19.0.2 port 22: Network is unreachable', 'root@198.19.0.2'));
  assert.equal(c.status, 'fail');
  assert.equal(c.title, 'host b');
  assert.match(c.seen, /host b \(root@198\.19\.0\.2\) is unreachable over ssh: connect to host .* Network is unreachable/);
  assert.match(c.fix!, /sshd runs there/);
});
