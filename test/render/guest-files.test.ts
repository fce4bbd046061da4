import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labHosts, renderHosts } from '../../src/render/hosts.js';
import { rendererFor, renderGuestFiles, SUPPORTED_NETCONFIG } from '../../src/render/netconfig/index.js';
import { renderIfnames, renderLinkFile } from '../../src/render/netconfig/pinning.js';
import { guestOf, multiLab, seedLab } from '../fixtures/render/seed-lab.js';

const edge = { lab: multiLab, guest: guestOf(multiLab, 'edge'), hosts: labHosts(multiLab) };

test('ifnames: one lower-case `mac name` line per NIC, single space', () => {
  const upper = { ...edge, guest: { ...edge.guest, interfaces: edge.guest.interfaces.map((n) => ({ ...n, mac: n.mac.toUpperCase() })) } };
  assert.equal(renderIfnames(upper), '52:54:00:aa:00:01 eth0\n52:54:00:aa:00:02 eth1\n');
});

test('.link file matches the MAC and sets the name', () => {
  const text = renderLinkFile(edge, edge.guest.interfaces[1]!);
  assert.match(text, /^\[Match\]\nMACAddress=52:54:00:aa:00:02\n\n\[Link\]\nName=eth1\n$/m);
});

test('hosts: lab block lists every guest with a static address, first address only', () => {
  assert.deepEqual(labHosts(multiLab), [
    { name: 'edge', address: '10.10.0.10' },
    { name: 'client', address: '10.10.0.20' },
  ]);
  const text = renderHosts({ lab: seedLab, guest: guestOf(seedLab, 'db'), hosts: labHosts(seedLab) });
  assert.match(text, /^127\.0\.0\.1 localhost$/m);
  assert.match(text, /^127\.0\.1\.1 db$/m);
  assert.match(text, /^# BEGIN vlab seed\n172\.16\.0\.2 web\n172\.16\.0\.3 db\n# END vlab seed\n$/m);
});

test('renderGuestFiles: netconfig, pinning, hostname, hosts; all 0644', () => {
  const files = renderGuestFiles(edge, 'ifupdown');
  assert.deepEqual(
    files.map((f) => f.path),
    ['/etc/network/interfaces', '/etc/systemd/network/10-vlab-eth0.link', '/etc/systemd/network/10-vlab-eth1.link', '/etc/vlab/ifnames', '/etc/hostname', '/etc/hosts'],
  );
  assert.ok(files.every((f) => f.mode === 0o644));
  assert.equal(files.find((f) => f.path === '/etc/hostname')?.content, 'edge\n');
});

test('every stack has a renderer; ifupdown disables the cloud-init interfaces.d files', () => {
  assert.equal(rendererFor('ifupdown')?.kind, 'ifupdown');
  assert.ok(rendererFor('ifupdown')!.conflicts.length > 0);
  for (const kind of SUPPORTED_NETCONFIG) assert.equal(rendererFor(kind as 'ifupdown')?.kind, kind);
});
