/**
 * Goldens of what `vlab persist` writes for the seed lab: the systemd unit, the ifupdown file,
 * the iptables-restore file, and the persistence actions of each mode. Update with
 * `npm run golden:update`, then read the diff. (test/persist/tools.test.ts feeds the same files
 * to systemd-analyze, ifquery and iptables-restore.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { assertGolden } from '../golden/helpers.js';
import { journalRules, planPersist, type PersistMode } from '../../src/persist/plan-persist.js';
import { renderUnit, systemdWord } from '../../src/persist/render-unit.js';
import { netmask, renderIfupdown } from '../../src/persist/render-ifupdown.js';
import { renderRules, restoreWord } from '../../src/persist/render-rules.js';
import { isVlabFile, markerLine } from '../../src/persist/marker.js';
import { multiLab } from '../fixtures/render/seed-lab.js';
import { dockerSeedState, FAKE_INPUT, seedLab, upState } from './fixtures.js';

const contentOf = (p: ReturnType<typeof planPersist>, path: string): string => {
  const a = p.actions.find((x) => x.details.kind === 'persist.file' && x.details.path === path);
  assert.ok(a && a.details.kind === 'persist.file', `no persist.file action for ${path}`);
  return a.details.content;
};

test('seed, systemd mode: the unit, its enable symlink, network autostart; goldens', async () => {
  const p = planPersist(await upState(seedLab), 'systemd', { ...FAKE_INPUT, missingDirs: ['/etc/systemd/system/multi-user.target.wants'] });
  assertGolden('persist/vlab-seed.service', contentOf(p, '/etc/systemd/system/vlab-seed.service'));
  assertGolden(
    'persist/seed-systemd-actions.json',
    JSON.stringify(
      p.actions.map(({ id, kind, description, dependsOn }) => ({ id, kind, description, dependsOn })),
      null,
      2,
    ) + '\n',
  );
  const link = p.actions.find((a) => a.id === 'persist.file:/etc/systemd/system/multi-user.target.wants/vlab-seed.service');
  assert.ok(link?.details.kind === 'persist.file');
  assert.equal(link.details.link, '../vlab-seed.service');
  assert.deepEqual(link.details.createdDirs, ['/etc/systemd/system/multi-user.target.wants'], "the missing wants dir is the symlink's to remove");
  assert.deepEqual(
    p.actions.filter((a) => a.kind === 'persist.autostart').map((a) => a.target),
    ['vlab-seed-isolation'],
    'guests are started by vlab restore, not libvirtd',
  );
  const unit = contentOf(p, '/etc/systemd/system/vlab-seed.service');
  assert.match(unit, /^ExecStart=\/usr\/bin\/node \/opt\/vlab\/bin\/vlab\.js restore seed --quiet$/m);
  assert.match(unit, /^After=network\.target libvirtd\.service$/m);
  assert.match(unit, /^Wants=libvirtd\.service$/m);
  assert.match(unit, /^WantedBy=multi-user\.target$/m);
});

test('seed, ifupdown mode: interfaces.d stanza, rules file, autostart of networks and guests; goldens', async () => {
  const p = planPersist(await upState(seedLab), 'ifupdown', { ...FAKE_INPUT, missingDirs: ['/etc/iptables'] });
  assertGolden('persist/interfaces.d-vlab-seed', contentOf(p, '/etc/network/interfaces.d/vlab-seed'));
  assertGolden('persist/vlab-seed.rules', contentOf(p, '/etc/iptables/vlab-seed.rules'));
  assertGolden(
    'persist/seed-ifupdown-actions.json',
    JSON.stringify(
      p.actions.map(({ id, kind, description, dependsOn }) => ({ id, kind, description, dependsOn })),
      null,
      2,
    ) + '\n',
  );
  assert.deepEqual(
    p.actions.filter((a) => a.kind === 'persist.autostart').map((a) => a.id),
    ['persist.autostart:network:vlab-seed-isolation', 'persist.autostart:domain:vlab-seed-web', 'persist.autostart:domain:vlab-seed-db'],
  );
  const rules = p.actions.find((a) => a.target === '/etc/iptables/vlab-seed.rules');
  assert.ok(rules?.details.kind === 'persist.file');
  assert.deepEqual(rules.details.createdDirs, ['/etc/iptables']);
  const ifaces = contentOf(p, '/etc/network/interfaces.d/vlab-seed');
  for (const line of [
    'auto isolationbr',
    'iface isolationbr inet static',
    'address 172.16.0.1',
    'netmask 255.255.0.0',
    'bridge_ports none',
    'bridge_stp off',
    'bridge_fd 0',
    'pre-up iptables-restore --noflush < /etc/iptables/vlab-seed.rules',
    'post-up ip link set isolationbr alias vlab:seed',
    'post-up sysctl -w net.ipv4.ip_forward=1',
  ]) {
    assert.ok(
      ifaces.split('\n').some((l) => l.trim() === line),
      `missing: ${line}`,
    );
  }
});

test("rules file: only the journal's tagged rules, -I rules in journal order (FORWARD policy DROP host); golden", async () => {
  const state = await dockerSeedState();
  const text = renderRules('seed', journalRules(state));
  assertGolden('persist/vlab-seed-docker.rules', text);
  const body = text.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(
    body.filter((l) => l.startsWith('*') || l === 'COMMIT'),
    ['*nat', 'COMMIT', '*filter', 'COMMIT'],
  );
  for (const l of body.filter((x) => x.startsWith('-'))) assert.match(l, /--comment vlab:seed /);
});

test('two networks, one a bridged uplink: the uplink is left out, with a comment saying so; golden', async () => {
  const state = await upState(multiLab);
  const text = renderIfupdown({ lab: 'multi', networks: state.spec.networks, rulesFile: '/etc/iptables/vlab-multi.rules' });
  assertGolden('persist/interfaces.d-vlab-multi', text);
  assert.match(text, /br0 over uplink enp1s0\) is not here: bridged uplinks are out of/);
  assert.doesNotMatch(text, /^auto br0$/m);
  assert.doesNotMatch(text, /ip_forward/, 'no network has nat');
  const p = planPersist(state, 'ifupdown', FAKE_INPUT);
  assert.ok(
    p.notes.some((n) => /bridged uplinks are out of scope/.test(n)),
    p.notes.join('\n'),
  );
});

test('helpers: netmask, quoting, the marker', () => {
  assert.equal(netmask(16), '255.255.0.0');
  assert.equal(netmask(24), '255.255.255.0');
  assert.equal(netmask(30), '255.255.255.252');
  assert.equal(netmask(0), '0.0.0.0');
  assert.equal(netmask(32), '255.255.255.255');
  assert.equal(systemdWord('/usr/bin/node'), '/usr/bin/node');
  assert.equal(systemdWord('/opt/my vlab/bin/vlab.js'), '"/opt/my vlab/bin/vlab.js"');
  assert.equal(systemdWord('/opt/100%/x$y'), '/opt/100%%/x$$y');
  assert.equal(restoreWord('RELATED,ESTABLISHED'), 'RELATED,ESTABLISHED');
  assert.equal(restoreWord('a b'), '"a b"');
  const unit = renderUnit({ lab: 'seed', node: '/usr/bin/node', vlabJs: '/x/bin/vlab.js', stateRoot: '/var/lib/vlab', uri: 'qemu:///system' });
  assert.ok(isVlabFile(unit, 'seed'));
  assert.ok(!isVlabFile(unit, 'other'), 'the marker names the lab');
  assert.ok(!isVlabFile('# my own unit\n' + unit, 'seed'), 'the marker must be the FIRST line');
  assert.equal(unit.split('\n')[0], markerLine('seed'));
});

test('every persisted file of every mode starts with the marker line', async () => {
  for (const mode of ['systemd', 'ifupdown'] as PersistMode[]) {
    for (const a of planPersist(await upState(seedLab), mode, FAKE_INPUT).actions) {
      if (a.details.kind !== 'persist.file' || a.details.link) continue;
      assert.ok(isVlabFile(a.details.content, 'seed'), `${mode}: ${a.details.path}`);
    }
  }
});

test('src/persist is pure: no fs, child_process, execa or libvirt', () => {
  const dir = fileURLToPath(new URL('../../src/persist/', import.meta.url));
  const re = /(from|import)\s*\(?\s*['"]((node:)?(fs|fs\/promises|child_process)|execa|@unraid\/libvirt)['"]/;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    assert.equal(re.exec(src), null, `src/persist/${f} must stay pure`);
  }
});
