/**
 * networkd renderer. systemd has no offline parser for .network files (networkctl needs the
 * running daemon), so each file is read strictly as INI and every section/key is checked against
 * the documented names: a fixed list, and the installed systemd.network(5) when present.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'node:test';
import { rendererFor } from '../../src/render/netconfig/index.js';
import { renderNetplan } from '../../src/render/netconfig/netplan.js';
import { NETWORKD_CONFLICTS, networkFilePath, renderNetworkd, takesDefaultRoute } from '../../src/render/netconfig/networkd.js';
import { CASES } from '../golden/netconfig/fixtures.js';
import { iniMap, needs, parseIni, scratch } from '../golden/netconfig/tools.js';

const MAN = '/usr/share/man/man5/systemd.network.5.gz';

/** Section → keys vlab may write (all documented in systemd.network(5) since systemd 246). */
const DOCUMENTED: Record<string, string[]> = {
  Match: ['MACAddress'],
  Network: ['Address', 'Gateway', 'DHCP', 'LinkLocalAddressing', 'IPv6AcceptRA'],
  DHCPv4: ['UseGateway'],
};

/** Section (upper-case) → option names documented in the installed man page. */
function manPageKeys(): Map<string, Set<string>> {
  const text = execFileSync('zcat', [MAN], { encoding: 'utf8' });
  const keys = new Map<string, Set<string>>();
  let section: Set<string> | undefined;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const sh = /^\.SH "\[(.+)\] SECTION OPTIONS"$/.exec(line);
    if (sh) keys.set(sh[1]!.replace(/\\-/g, '-'), (section = new Set()));
    else if (line.startsWith('.SH')) section = undefined;
    else if (section && lines[i - 1] === '.PP') for (const m of line.matchAll(/\\fI([A-Za-z0-9]+)=\\fR/g)) section.add(m[1]!);
  });
  return keys;
}

test('networkd: one 0644 .network per NIC, 10- prefix, matched by MAC only', () => {
  for (const { name, input } of CASES) {
    const files = renderNetworkd(input);
    assert.deepEqual(
      files.map((f) => [f.path, f.mode]),
      input.guest.interfaces.map((n) => [`/etc/systemd/network/10-vlab-${n.ifname}.network`, 0o644]),
      name,
    );
    for (const nic of input.guest.interfaces) {
      const file = files.find((f) => f.path === networkFilePath(nic))!;
      const ini = parseIni(file.content, file.path);
      const map = iniMap(ini, file.path);
      assert.deepEqual(ini.find((s) => s.section === 'Match')?.entries, [['MACAddress', nic.mac]], 'no Name= match: MAC only');
      assert.equal(map.get('Network.Address'), nic.address ? `${nic.address}/${nic.prefix}` : undefined);
      assert.equal(map.get('Network.DHCP'), nic.address ? undefined : nic.unconfigured ? 'no' : 'ipv4', 'address: none says DHCP=no explicitly');
      if (nic.unconfigured) {
        assert.equal(map.get('Network.LinkLocalAddressing'), 'no');
        assert.equal(map.get('Network.IPv6AcceptRA'), 'no');
        assert.equal(takesDefaultRoute(input, nic), false, 'an address: none NIC never takes the default route');
      }
      assert.equal(map.get('Network.Gateway'), nic.gateway, 'Gateway only on the default-route NIC');
      assert.equal(map.get('DHCPv4.UseGateway'), !nic.address && !nic.unconfigured && !takesDefaultRoute(input, nic) ? 'no' : undefined);
      for (const s of ini) {
        for (const [k] of s.entries) assert.ok(DOCUMENTED[s.section]?.includes(k), `${file.path}: [${s.section}] ${k}= is not in vlab's documented list`);
      }
    }
  }
});

test('networkd: every section and key is documented in the installed systemd.network(5)', (t) => {
  if (!needs(t, MAN, 'systemd (with its man pages)')) return;
  const man = manPageKeys();
  assert.ok((man.get('NETWORK')?.size ?? 0) > 50, 'the man page was read');
  assert.ok(!man.get('NETWORK')!.has('Adress') && !man.get('MATCH')!.has('Address'), 'misspelt or misplaced keys are caught');
  for (const [section, keys] of Object.entries(DOCUMENTED)) {
    const documented = man.get(section.toUpperCase());
    assert.ok(documented, `systemd.network(5) has no [${section}] section`);
    for (const k of keys) assert.ok(documented.has(k), `systemd.network(5) does not document [${section}] ${k}=`);
  }
});

test('networkd: renderer enables systemd-networkd and names netplan/ifupdown leftovers as conflicts', () => {
  const r = rendererFor('networkd')!;
  assert.deepEqual(r.enableUnits, ['systemd-networkd.service']);
  assert.deepEqual(r.conflicts, NETWORKD_CONFLICTS);
  assert.ok(r.conflicts.includes('/etc/netplan/50-cloud-init.yaml'), "netplan's 10-netplan-*.network would sort before 10-vlab-*");
});

test('networkd: same addresses, gateway, DHCP and IPv6 settings as netplan renders from the netplan stack', async (t) => {
  if (!needs(t, '/usr/sbin/netplan', 'netplan.io')) return;
  const dir = scratch('networkd');
  // DHCP=no is networkd's default: vlab says it for `address: none` NICs, netplan leaves it out.
  const pick = (text: string) =>
    text
      .split('\n')
      .filter((l) => /^(Address|Gateway|DHCP|LinkLocalAddressing|IPv6AcceptRA)=/.test(l) && l !== 'DHCP=no')
      .sort();
  for (const { name, input } of CASES) {
    const root = join(dir, name.replace('/', '-'));
    const [yaml] = renderNetplan(input, { renderer: 'networkd' });
    mkdirSync(join(root, 'etc/netplan'), { recursive: true });
    writeFileSync(join(root, yaml!.path), yaml!.content, { mode: 0o600 });
    await execa('/usr/sbin/netplan', ['generate', '--root-dir', root]);
    for (const file of renderNetworkd(input)) {
      const ifname = /10-vlab-(.+)\.network$/.exec(file.path)![1]!;
      const theirs = readFileSync(join(root, `run/systemd/network/10-netplan-${ifname}.network`), 'utf8');
      assert.deepEqual(pick(file.content), pick(theirs), `${name} ${ifname}`);
    }
  }
});
