/** The netconfig registry and the one place that composes a guest's files. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHostFiles } from '../../src/render/hosts.js';
import { renderCloudInitOff } from '../../src/render/netconfig/cloud-init.js';
import { netconfigTarget, nicConfigPath, rendererFor, renderGuestFiles, SUPPORTED_NETCONFIG } from '../../src/render/netconfig/index.js';
import { renderPinning } from '../../src/render/netconfig/pinning.js';
import type { NetconfigKind } from '../../src/spec/types.js';
import { CASES } from '../golden/netconfig/fixtures.js';

type Kind = Exclude<NetconfigKind, 'auto'>;
const KINDS = SUPPORTED_NETCONFIG as Kind[];
const DISK: Kind[] = ['ifupdown', 'netplan', 'networkd', 'networkmanager', 'ifcfg'];

test('every stack is registered, in this order', () => {
  assert.deepEqual(SUPPORTED_NETCONFIG, ['ifupdown', 'netplan', 'networkd', 'networkmanager', 'ifcfg', 'cloud-init']);
  for (const k of KINDS) assert.equal(rendererFor(k)?.kind, k);
  assert.deepEqual(KINDS.map(netconfigTarget), ['disk', 'disk', 'disk', 'disk', 'disk', 'seed-iso']);
});

test('disk stacks: stack files, then pinning, cloud-init snippet (not for ifupdown), hostname and hosts; composed only here', () => {
  for (const kind of DISK) {
    const r = rendererFor(kind)!;
    for (const { name, input } of CASES) {
      const own = r.render(input);
      const files = renderGuestFiles(input, kind);
      const quiet = kind === 'ifupdown' ? [] : [renderCloudInitOff(input)];
      assert.equal(!!r.quietCloudInit, kind !== 'ifupdown');
      assert.deepEqual(files, [...own, ...renderPinning(input), ...quiet, ...renderHostFiles(input)], `${kind} ${name}`);
      const paths = files.map((f) => f.path);
      assert.equal(new Set(paths).size, paths.length, `${kind} ${name}: a path written twice`);
      assert.ok(
        paths.every((p) => p.startsWith('/etc/')),
        `${kind} ${name}: everything under /etc`,
      );
      assert.ok(!own.some((f) => ['/etc/hostname', '/etc/hosts', '/etc/vlab/ifnames'].includes(f.path)), `${kind}: shared files come from index.ts`);
      assert.ok(
        r.conflicts.every((c) => !paths.includes(c)),
        `${kind}: a conflict vlab would remove is a file it writes`,
      );
    }
  }
});

test('only networkd asks for a unit to be enabled; only cloud-init targets the seed ISO', () => {
  assert.deepEqual(
    KINDS.filter((k) => rendererFor(k)!.enableUnits?.length),
    ['networkd'],
  );
  assert.deepEqual(
    KINDS.filter((k) => rendererFor(k)!.target === 'seed-iso'),
    ['cloud-init'],
  );
  assert.deepEqual(rendererFor('cloud-init')!.conflicts, []);
});

test('nicConfigPath names a file the stack renders, one that mentions the NIC (for readiness messages)', () => {
  for (const kind of KINDS) {
    for (const { name, input } of CASES) {
      const own = rendererFor(kind)!.render(input);
      for (const nic of input.guest.interfaces) {
        const p = nicConfigPath(kind, nic);
        const file = own.find((f) => f.path === p);
        assert.ok(file, `${kind} ${name} ${nic.ifname}: ${p} is not rendered`);
        assert.ok(file.content.includes(nic.mac) || file.content.includes(`iface ${nic.ifname} `), `${kind} ${name}: ${p} does not configure ${nic.ifname}`);
      }
    }
  }
});
