/** netplan renderer: structure, and every rendered file through `netplan generate` (netplan.io). */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { parse } from 'yaml';
import { rendererFor } from '../../src/render/netconfig/index.js';
import { NETPLAN_CONFLICTS, NETPLAN_PATH, renderNetplan, renderNetplanYaml, type NetplanBackend } from '../../src/render/netconfig/netplan.js';
import { takesDefaultRoute } from '../../src/render/netconfig/networkd.js';
import { nicMode } from '../../src/spec/nic-mode.js';
import { CASES } from '../golden/netconfig/fixtures.js';
import { needs, scratch } from '../golden/netconfig/tools.js';

const NETPLAN = '/usr/sbin/netplan';
const dir = scratch('netplan');

interface Eth {
  match: { macaddress: string };
  'set-name': string;
  addresses?: string[];
  routes?: { to: string; via: string }[];
  dhcp4: boolean;
  'dhcp4-overrides'?: { 'use-routes': boolean };
}

test('netplan: one 0600 file, version 2, every NIC matched by MAC (a string even for YAML 1.1 readers) and renamed', () => {
  for (const { name, input } of CASES) {
    const files = renderNetplan(input, { renderer: 'networkd' });
    assert.deepEqual(
      files.map((f) => [f.path, f.mode]),
      [[NETPLAN_PATH, 0o600]],
      name,
    );
    const doc = parse(files[0]!.content, { version: '1.1' }) as { network: { version: number; renderer: string; ethernets: Record<string, Eth> } };
    assert.equal(doc.network.version, 2);
    assert.equal(doc.network.renderer, 'networkd');
    assert.deepEqual(
      Object.keys(doc.network.ethernets),
      input.guest.interfaces.map((n) => n.ifname),
    );
    for (const nic of input.guest.interfaces) {
      const e = doc.network.ethernets[nic.ifname]!;
      assert.equal(e.match.macaddress, nic.mac, `${name} ${nic.ifname}: MAC read back as a string`);
      assert.equal(e['set-name'], nic.ifname);
      assert.equal(e.dhcp4, nicMode(nic) === 'dhcp', 'dhcp4: false for static and address: none NICs');
      assert.deepEqual(e.addresses, nic.address ? [`${nic.address}/${nic.prefix}`] : undefined);
      assert.deepEqual(e.routes, nic.gateway ? [{ to: 'default', via: nic.gateway }] : undefined, 'default route only on the gateway NIC');
      const ignoresRoutes = nicMode(nic) === 'dhcp' && !takesDefaultRoute(input, nic);
      assert.deepEqual(e['dhcp4-overrides'], ignoresRoutes ? { 'use-routes': false } : undefined);
    }
  }
});

test('netplan: the NetworkManager backend is an option; the registered stack uses networkd', () => {
  const { input } = CASES[0]!;
  assert.match(renderNetplanYaml(input, { renderer: 'NetworkManager' }), /^ {2}renderer: NetworkManager$/m);
  assert.deepEqual(rendererFor('netplan')!.render(input), renderNetplan(input, { renderer: 'networkd' }));
  assert.deepEqual([...NETPLAN_CONFLICTS], ['/etc/netplan/50-cloud-init.yaml', '/etc/netplan/01-netcfg.yaml', '/etc/netplan/00-installer-config.yaml']);
  assert.deepEqual(rendererFor('netplan')!.conflicts, NETPLAN_CONFLICTS);
});

for (const backend of ['networkd', 'NetworkManager'] as NetplanBackend[]) {
  for (const { name, input } of CASES) {
    test(`netplan generate accepts ${name} (${backend}) without warnings and renders every NIC`, async (t) => {
      if (!needs(t, NETPLAN, 'netplan.io')) return;
      const root = join(dir, `${backend}-${name.replace('/', '-')}`);
      const [file] = renderNetplan(input, { renderer: backend });
      mkdirSync(join(root, 'etc/netplan'), { recursive: true });
      writeFileSync(join(root, file!.path), file!.content);
      chmodSync(join(root, file!.path), file!.mode);
      const r = await execa(NETPLAN, ['generate', '--root-dir', root], { reject: false });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stderr, '', 'no warnings (netplan warns when the file is readable by others)');
      for (const nic of input.guest.interfaces) {
        const rule = readFileSync(join(root, `run/udev/rules.d/99-netplan-${nic.ifname}.rules`), 'utf8');
        assert.match(rule, new RegExp(`ATTR\\{address\\}=="${nic.mac}", NAME="${nic.ifname}"`), 'renamed by MAC');
        if (backend === 'networkd') {
          const net = readFileSync(join(root, `run/systemd/network/10-netplan-${nic.ifname}.network`), 'utf8');
          assert.match(net, new RegExp(`^PermanentMACAddress=${nic.mac}$`, 'm'));
          if (nic.address) assert.match(net, new RegExp(`^Address=${nic.address}/${nic.prefix}$`, 'm'));
          else if (nic.unconfigured) assert.doesNotMatch(net, /^(Address|DHCP)=/m, 'address: none: neither an address nor DHCP');
          else assert.match(net, /^DHCP=ipv4$/m);
          assert.equal(/^Gateway=(.*)$/m.exec(net)?.[1], nic.gateway);
          assert.equal(/^UseRoutes=false$/m.test(net), nicMode(nic) === 'dhcp' && !takesDefaultRoute(input, nic));
          assert.match(net, /^LinkLocalAddressing=no$/m);
        } else {
          const con = readFileSync(join(root, `run/NetworkManager/system-connections/netplan-${nic.ifname}.nmconnection`), 'utf8');
          const ipv4 = /\[ipv4\]\n([\s\S]*?)(\n\[|$)/.exec(con)?.[1] ?? '';
          assert.match(ipv4, { static: /^method=manual$/m, dhcp: /^method=auto$/m, none: /^method=(disabled|link-local)$/m }[nicMode(nic)], con);
          if (nic.address) assert.match(con, new RegExp(`^address1=${nic.address}/${nic.prefix}$`, 'm'));
          if (nic.unconfigured) assert.doesNotMatch(con, /^address1=/m);
          assert.equal(/^never-default=true$/m.test(con), nicMode(nic) === 'dhcp' && !takesDefaultRoute(input, nic), 'DHCP NIC off the default route');
          assert.ok(!existsSync(join(root, `run/systemd/network/10-netplan-${nic.ifname}.network`)));
        }
      }
    });
  }
}
