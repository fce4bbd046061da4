/**
 * NetworkManager renderer: keyfile structure, and every profile through NM's own keyfile reader
 * (`nmcli --offline connection modify` reads a keyfile on stdin, verifies it and prints it back
 * normalised); the conf.d snippet through `NetworkManager --print-config`. Package
 * network-manager.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { rendererFor } from '../../src/render/netconfig/index.js';
import { NM_NO_AUTO_DEFAULT_PATH, keyfilePath, renderKeyfile, renderNetworkManager, uuidV5 } from '../../src/render/netconfig/networkmanager.js';
import { takesDefaultRoute } from '../../src/render/netconfig/networkd.js';
import { nicMode } from '../../src/spec/nic-mode.js';
import { CASES } from '../golden/netconfig/fixtures.js';
import { iniMap, needs, parseIni, scratch } from '../golden/netconfig/tools.js';

const NMCLI = '/usr/bin/nmcli';
const NM = '/usr/sbin/NetworkManager';

test('uuidV5 is RFC 4122 version 5 (known vector) and stable per lab, guest and MAC', () => {
  assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  const { input } = CASES[1]!;
  const [a, b] = input.guest.interfaces.map((n) => iniMap(parseIni(renderKeyfile(input, n), n.ifname), n.ifname).get('connection.uuid'));
  assert.match(a!, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
  assert.equal(renderKeyfile(input, input.guest.interfaces[0]!), renderKeyfile(input, input.guest.interfaces[0]!));
});

test('NM: one 0600 keyfile per NIC bound by mac-address (no interface-name), then the no-auto-default snippet', () => {
  for (const { name, input } of CASES) {
    const files = renderNetworkManager(input);
    assert.deepEqual(
      files.map((f) => [f.path, f.mode]),
      [...input.guest.interfaces.map((n) => [`/etc/NetworkManager/system-connections/vlab-${n.ifname}.nmconnection`, 0o600]), [NM_NO_AUTO_DEFAULT_PATH, 0o644]],
      name,
    );
    for (const nic of input.guest.interfaces) {
      const map = iniMap(parseIni(files.find((f) => f.path === keyfilePath(nic))!.content, nic.ifname), nic.ifname);
      assert.equal(map.get('connection.type'), 'ethernet');
      assert.equal(map.get('connection.id'), `vlab-${nic.ifname}`);
      assert.equal(map.get('connection.autoconnect-priority'), '100');
      assert.equal(map.get('connection.interface-name'), undefined);
      assert.equal(map.get('ethernet.mac-address'), nic.mac);
      assert.equal(map.get('ipv4.method'), { static: 'manual', dhcp: 'auto', none: 'disabled' }[nicMode(nic)]);
      assert.equal(map.get('ipv4.address1'), nic.address ? `${nic.address}/${nic.prefix}${nic.gateway ? `,${nic.gateway}` : ''}` : undefined);
      assert.equal(map.get('ipv4.never-default'), takesDefaultRoute(input, nic) || nic.unconfigured ? undefined : 'true', 'never-default is moot without IPv4');
      assert.equal(map.get('ipv6.method'), 'disabled');
    }
  }
  assert.equal(files0conf(), '[main]\nno-auto-default=*\n');
  assert.ok(rendererFor('networkmanager')!.conflicts.every((p) => !renderNetworkManager(CASES[0]!.input).some((f) => f.path === p)));
});

function files0conf(): string {
  return renderNetworkManager(CASES[0]!.input)
    .find((f) => f.path === NM_NO_AUTO_DEFAULT_PATH)!
    .content.replace(/^#.*\n/, '');
}

/** Keys NM drops from its normalised output because they hold the default value. */
const DEFAULTS = new Set(['connection.autoconnect=true']);

for (const { name, input } of CASES) {
  test(`nmcli --offline reads ${name}'s keyfiles back with every setting intact`, async (t) => {
    if (!needs(t, NMCLI, 'network-manager')) return;
    for (const nic of input.guest.interfaces) {
      const ours = renderKeyfile(input, nic);
      // A no-op modify: NM parses the keyfile, verifies the connection, prints it normalised.
      const r = await execa(NMCLI, ['--offline', 'connection', 'modify', 'connection.autoconnect', 'yes'], { input: ours, reject: false });
      assert.equal(r.exitCode, 0, `${name} ${nic.ifname}: ${r.stderr}`);
      const theirs = iniMap(parseIni(r.stdout, 'nmcli output'), 'nmcli output');
      for (const [key, value] of iniMap(parseIni(ours, nic.ifname), nic.ifname)) {
        if (DEFAULTS.has(`${key}=${value}`)) continue;
        const got = key === 'ethernet.mac-address' ? theirs.get(key)?.toLowerCase() : theirs.get(key); // NM prints MACs upper-case
        assert.equal(got, value, `${name} ${nic.ifname}: NM read ${key} as ${theirs.get(key)}`);
      }
    }
  });
}

test('nmcli --offline rejects a broken keyfile (the check above can fail)', async (t) => {
  if (!needs(t, NMCLI, 'network-manager')) return;
  const broken = renderKeyfile(CASES[0]!.input, CASES[0]!.input.guest.interfaces[0]!).replace(/^address1=.*$/m, '');
  const r = await execa(NMCLI, ['--offline', 'connection', 'modify', 'connection.autoconnect', 'yes'], { input: broken, reject: false });
  assert.notEqual(r.exitCode, 0);
  assert.match(r.stderr, /ipv4\.addresses/);
});

test('NetworkManager --print-config merges the snippet: no-auto-default=*', async (t) => {
  if (!needs(t, NM, 'network-manager')) return;
  const dir = scratch('nm');
  const snippet = renderNetworkManager(CASES[0]!.input).find((f) => f.path === NM_NO_AUTO_DEFAULT_PATH)!;
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'NetworkManager.conf'), '');
  writeFileSync(join(dir, 'conf.d/90-vlab-no-auto-default.conf'), snippet.content);
  const r = await execa(NM, [
    '--print-config',
    `--config=${dir}/NetworkManager.conf`,
    `--config-dir=${dir}/conf.d`,
    `--system-config-dir=${dir}/none`,
    `--intern-config=${dir}/intern.conf`,
  ]);
  assert.match(r.stdout, /90-vlab-no-auto-default\.conf/);
  assert.match(r.stdout, /^\[main\]$(\n.*)*?\nno-auto-default=\*$/m);
});
