/**
 * cloud-init renderer (NoCloud seed ISO files) through cloud-init itself (package cloud-init):
 * `cloud-init schema` for user-data and the disk stacks' cloud.cfg.d snippet; the NoCloud
 * datasource loading the seed folder and cloud-init's network-state parser; and
 * `cloud-init devel net-convert` rendering network-config for ifupdown, networkd, netplan,
 * NetworkManager and RHEL sysconfig.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { parse } from 'yaml';
import { renderCloudInit, renderCloudInitOff, renderNetworkConfig, renderUserData } from '../../src/render/netconfig/cloud-init.js';
import { netconfigTarget, rendererFor, renderGuestFiles } from '../../src/render/netconfig/index.js';
import { takesDefaultRoute } from '../../src/render/netconfig/networkd.js';
import { nicMode } from '../../src/spec/nic-mode.js';
import { CASES } from '../golden/netconfig/fixtures.js';
import { slotMaterial, sshSlotValues } from '../../src/render/ssh-files.js';
import { fillSlots } from '../../src/render/slots.js';
import { parse as parseYaml } from 'yaml';
import { needs, scratch } from '../golden/netconfig/tools.js';

const CLOUD_INIT = '/usr/bin/cloud-init';
const PYTHON = '/usr/bin/python3'; // cloud-init's interpreter (its modules live there)
const dir = scratch('cloud-init');

test('cloud-init: seed ISO files only; the disk gets nothing', () => {
  for (const { input } of CASES) {
    assert.equal(netconfigTarget('cloud-init'), 'seed-iso');
    assert.equal(rendererFor('cloud-init')!.target, 'seed-iso');
    assert.deepEqual(
      renderGuestFiles(input, 'cloud-init').map((f) => [f.path, f.mode]),
      [
        ['/meta-data', 0o644],
        ['/user-data', 0o644],
        ['/network-config', 0o644],
      ],
    );
  }
});

test('cloud-init: meta-data names the instance after lab, guest and a hash of the config', () => {
  const { input } = CASES[1]!;
  const md = (i = input) => parse(renderCloudInit(i)[0]!.content) as Record<string, string>;
  assert.match(md()['instance-id']!, /^vlab-duo-router-[0-9a-f]{12}$/);
  assert.equal(md()['local-hostname'], 'router');
  const moved = { ...input, guest: { ...input.guest, interfaces: input.guest.interfaces.map((n) => (n.address ? { ...n, address: '10.20.0.11' } : n)) } };
  assert.notEqual(md(moved)['instance-id'], md()['instance-id'], 'a changed config is a new instance: cloud-init applies it again');
  assert.equal(md()['instance-id'], md()['instance-id']);
});

test('cloud-init: user-data starts with #cloud-config; network-config is version 2 matched by MAC', () => {
  for (const { input } of CASES) {
    const ud = renderUserData(input);
    assert.ok(ud.startsWith('#cloud-config\n'));
    const cfg = parse(ud) as { hostname: string; manage_etc_hosts: boolean; write_files: { path: string }[]; runcmd?: unknown };
    assert.equal(cfg.hostname, input.guest.name);
    assert.equal(cfg.manage_etc_hosts, false);
    assert.deepEqual(
      cfg.write_files.map((f) => f.path),
      ['/etc/hosts'],
    );
    assert.equal(cfg.runcmd, undefined);
    const nc = parse(renderNetworkConfig(input), { version: '1.1' }) as { version: number; ethernets: Record<string, { match: { macaddress: string }; 'set-name': string }> };
    assert.equal(nc.version, 2);
    for (const nic of input.guest.interfaces) {
      assert.equal(nc.ethernets[nic.ifname]!.match.macaddress, nic.mac);
      assert.equal(nc.ethernets[nic.ifname]!['set-name'], nic.ifname);
    }
  }
});

test("cloud-init schema validates user-data and the disk stacks' cloud.cfg.d snippet", async (t) => {
  if (!needs(t, CLOUD_INIT, 'cloud-init')) return;
  for (const { name, input } of CASES) {
    const ud = join(dir, `${name.replace('/', '-')}.user-data`);
    writeFileSync(ud, renderUserData(input));
    const r = await execa(CLOUD_INIT, ['schema', '--config-file', ud], { reject: false });
    assert.equal(r.exitCode, 0, `${name}: ${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Valid cloud-config/);
  }
  // with the ssh transport: root's key and the guest's host key
  const ssh = join(dir, 'ssh.user-data');
  // Rendered with slots (as the plan holds it), then filled with key material of the real shape (as apply does).
  const real = {
    authorizedKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx+client/key= vlab:lab',
    hostKeyPrivate: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACB+/=\n-----END OPENSSH PRIVATE KEY-----\n',
    hostKeyPublic: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHost+key/= vlab:lab/g',
  };
  const filled = fillSlots(renderUserData({ ...CASES[0]!.input, ssh: slotMaterial('g') }), sshSlotValues('g', real));
  const doc = parseYaml(filled) as { ssh_keys: { ed25519_private: string; ed25519_public: string }; ssh_authorized_keys: string[] };
  assert.equal(doc.ssh_keys.ed25519_private, real.hostKeyPrivate, 'the private key survives the YAML block scalar byte for byte');
  assert.equal(doc.ssh_keys.ed25519_public, real.hostKeyPublic);
  assert.match(doc.ssh_authorized_keys[0]!, / ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx\+client\/key= vlab:lab$/);
  writeFileSync(ssh, filled);
  const s = await execa(CLOUD_INIT, ['schema', '--config-file', ssh], { reject: false });
  assert.equal(s.exitCode, 0, `ssh user-data: ${s.stdout}\n${s.stderr}`);
  // cloud.cfg.d files have no #cloud-config line; schema wants one
  const off = join(dir, '99-vlab.cfg');
  writeFileSync(off, `#cloud-config\n${renderCloudInitOff(CASES[0]!.input).content}`);
  const r = await execa(CLOUD_INIT, ['schema', '--config-file', off], { reject: false });
  assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
});

/** Python run with cloud-init's modules: NoCloud reads SEED, the network state comes back as JSON. */
const LOAD_SEED = `
import json, sys
from cloudinit import helpers
from cloudinit.sources.DataSourceNoCloud import DataSourceNoCloud
from cloudinit.net.network_state import parse_net_config_data
root = sys.argv[1]
ds = DataSourceNoCloud(sys_cfg={}, distro=None, paths=helpers.Paths({'cloud_dir': root, 'run_dir': root + '/run'}))
assert ds._get_data(), 'NoCloud found no seed'
ns = parse_net_config_data(ds.network_config)
print(json.dumps({'metadata': ds.metadata, 'userdata': ds.userdata_raw.decode(), 'interfaces': list(ns.iter_interfaces())}, default=str))
`;

for (const { name, input } of CASES) {
  test(`cloud-init's NoCloud datasource loads ${name}'s seed and parses its network-config`, async (t) => {
    if (!needs(t, CLOUD_INIT, 'cloud-init')) return;
    const root = join(dir, `seed-${name.replace('/', '-')}`);
    mkdirSync(join(root, 'seed/nocloud'), { recursive: true });
    const files = renderCloudInit(input);
    for (const f of files) writeFileSync(join(root, 'seed/nocloud', f.path), f.content);
    const { stdout } = await execa(PYTHON, ['-c', LOAD_SEED, root]);
    const got = JSON.parse(stdout) as {
      metadata: Record<string, string>;
      userdata: string;
      interfaces: { name: string; mac_address: string; subnets: { type: string; address?: string; prefix?: number; routes: { gateway: string; prefix: number }[] }[] }[];
    };
    assert.equal(got.metadata['local-hostname'], input.guest.name);
    assert.match(got.metadata['instance-id']!, /^vlab-/);
    assert.equal(got.userdata, files[1]!.content);
    assert.deepEqual(
      got.interfaces.map((i) => [i.name, i.mac_address]),
      input.guest.interfaces.map((n) => [n.ifname, n.mac]),
    );
    for (const nic of input.guest.interfaces) {
      const subnets = got.interfaces.find((i) => i.name === nic.ifname)!.subnets;
      if (nic.unconfigured) {
        assert.deepEqual(
          subnets.filter((s) => s.type !== 'manual'),
          [],
          `${nic.ifname}: address: none has no subnet (no DHCP, no address)`,
        );
        continue;
      }
      const [subnet, ...more] = subnets;
      assert.equal(more.length, 0);
      if (!nic.address) {
        assert.equal(subnet!.type, 'dhcp4');
        continue;
      }
      assert.deepEqual([subnet!.type, subnet!.address, subnet!.prefix], ['static', nic.address, nic.prefix]);
      assert.deepEqual(
        subnet!.routes.map((r) => [r.gateway, r.prefix]),
        nic.gateway ? [[nic.gateway, 0]] : [],
      );
    }
  });

  test(`cloud-init net-convert renders ${name}'s network-config for every backend`, async (t) => {
    if (!needs(t, CLOUD_INIT, 'cloud-init')) return;
    const src = join(dir, `${name.replace('/', '-')}.network-config`);
    writeFileSync(src, renderNetworkConfig(input));
    const read = (out: string) => {
      const texts: string[] = [];
      const walk = (d: string) =>
        readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : texts.push(readFileSync(join(d, e.name), 'utf8'))));
      walk(out);
      return texts.join('\n');
    };
    for (const [distro, kind] of [
      ['debian', 'eni'],
      ['debian', 'networkd'],
      ['ubuntu', 'netplan'],
      ['debian', 'network-manager'],
      ['rhel', 'sysconfig'],
    ] as const) {
      const out = join(dir, `${name.replace('/', '-')}-${kind}`);
      const r = await execa(CLOUD_INIT, ['devel', 'net-convert', '-p', src, '-k', 'yaml', '-D', distro, '-O', kind, '-d', out], { reject: false });
      assert.equal(r.exitCode, 0, `${name} ${kind}: ${r.stderr}`);
      const text = read(out);
      for (const nic of input.guest.interfaces) {
        assert.match(text.toLowerCase(), new RegExp(nic.mac), `${name} ${kind}: ${nic.ifname}'s MAC`);
        if (nic.address) assert.match(text, new RegExp(nic.address.replace(/\./g, '\\.')), `${name} ${kind}: ${nic.ifname}'s address`);
        if (nic.gateway) assert.match(text, new RegExp(nic.gateway.replace(/\./g, '\\.')), `${name} ${kind}: the gateway`);
      }
      if (kind === 'eni') {
        for (const nic of input.guest.interfaces.filter((n) => n.unconfigured)) {
          assert.doesNotMatch(text, new RegExp(`iface ${nic.ifname} inet (dhcp|static)`), `${name} eni: ${nic.ifname} (address: none) is neither dhcp nor static`);
        }
      }
      if (kind === 'networkd') {
        const offRoute = input.guest.interfaces.some((n) => nicMode(n) === 'dhcp' && !takesDefaultRoute(input, n));
        assert.equal(/UseRoutes=False/.test(text), offRoute, `${name}: the DHCP NIC ignores routes only when another NIC has the gateway`);
      }
    }
  });
}

/** Python with cloud-init's modules: the system config merged from cloud.cfg and cloud.cfg.d, as JSON. */
const MERGE_SYSTEM_CFG = `
import json, sys
from cloudinit import util
print(json.dumps(util.read_conf_with_confd(sys.argv[1])))
`;

test("disk stacks' cloud.cfg.d snippet wins over an image's defaults when cloud-init merges its config", async (t) => {
  if (!needs(t, CLOUD_INIT, 'cloud-init')) return;
  const etc = join(dir, 'etc-cloud');
  mkdirSync(join(etc, 'cloud.cfg.d'), { recursive: true });
  writeFileSync(join(etc, 'cloud.cfg'), readFileSync('/etc/cloud/cloud.cfg', 'utf8'));
  // what images ship: Debian's manage_etc_hosts, an installer's (curtin's) network config
  writeFileSync(join(etc, 'cloud.cfg.d/01_debian_cloud.cfg'), 'manage_etc_hosts: true\npreserve_hostname: false\n');
  writeFileSync(join(etc, 'cloud.cfg.d/50-curtin-networking.cfg'), 'network: {version: 2, ethernets: {ens3: {dhcp4: true}}}\n');
  const off = renderCloudInitOff(CASES[0]!.input);
  assert.equal(off.path, '/etc/cloud/cloud.cfg.d/99-vlab.cfg');
  writeFileSync(join(etc, 'cloud.cfg.d/99-vlab.cfg'), off.content);
  const { stdout } = await execa(PYTHON, ['-c', MERGE_SYSTEM_CFG, join(etc, 'cloud.cfg')]);
  const cfg = JSON.parse(stdout) as { network: { config: string }; preserve_hostname: boolean; manage_etc_hosts: boolean };
  assert.equal(cfg.network.config, 'disabled');
  assert.equal(cfg.preserve_hostname, true);
  assert.equal(cfg.manage_etc_hosts, false);
});
