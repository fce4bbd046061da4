/**
 * ifcfg renderer. Debian ships no ifcfg reader, and network-scripts sources the files with the
 * shell: so each file must pass `sh -n`, and sourcing it in an empty environment must give back
 * exactly the variables vlab meant (and nothing runs).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { rendererFor } from '../../src/render/netconfig/index.js';
import { ifcfgPath, renderIfcfg, shellValue } from '../../src/render/netconfig/ifcfg.js';
import { takesDefaultRoute } from '../../src/render/netconfig/networkd.js';
import type { LabInterface } from '../../src/spec/types.js';
import type { GuestNetInput } from '../../src/render/netconfig/index.js';
import { nicMode } from '../../src/spec/nic-mode.js';
import { CASES } from '../golden/netconfig/fixtures.js';
import { scratch } from '../golden/netconfig/tools.js';

const dir = scratch('ifcfg');
let n = 0;

/** Sources FILE with `sh` in an empty environment and returns the variables it set. */
async function source(text: string): Promise<Record<string, string>> {
  const file = join(dir, `ifcfg-${n++}`);
  writeFileSync(file, text);
  await execa('/bin/sh', ['-n', file]);
  const { stdout } = await execa('/bin/sh', ['-c', 'set -a; . "$1"; /usr/bin/env -0', 'sh', file], { env: {}, extendEnv: false });
  const vars: Record<string, string> = {};
  for (const entry of stdout.split('\0').filter(Boolean)) {
    const i = entry.indexOf('=');
    const k = entry.slice(0, i);
    if (!['PWD', 'SHLVL', '_', 'OLDPWD'].includes(k)) vars[k] = entry.slice(i + 1);
  }
  return vars;
}

function expected(input: GuestNetInput, nic: LabInterface): Record<string, string> {
  const vars: Record<string, string> = {
    DEVICE: nic.ifname,
    NAME: `vlab-${nic.ifname}`,
    HWADDR: nic.mac,
    TYPE: 'Ethernet',
    ONBOOT: 'yes',
    BOOTPROTO: nicMode(nic) === 'dhcp' ? 'dhcp' : 'none',
    DEFROUTE: takesDefaultRoute(input, nic) ? 'yes' : 'no',
    IPV6INIT: 'no',
    AUTOCONNECT_PRIORITY: '100',
  };
  if (nic.address) Object.assign(vars, { IPADDR: nic.address, PREFIX: String(nic.prefix) });
  if (nic.gateway) vars.GATEWAY = nic.gateway;
  return vars;
}

for (const { name, input } of CASES) {
  test(`ifcfg: ${name}: sh -n passes and sourcing gives back exactly the intended variables`, async () => {
    const files = renderIfcfg(input);
    assert.deepEqual(
      files.map((f) => [f.path, f.mode]),
      input.guest.interfaces.map((nic) => [ifcfgPath(nic), 0o644]),
    );
    for (const nic of input.guest.interfaces) {
      const file = files.find((f) => f.path === `/etc/sysconfig/network-scripts/ifcfg-${nic.ifname}`)!;
      assert.deepEqual(await source(file.content), expected(input, nic));
      assert.doesNotMatch(file.content, /NM_CONTROLLED/);
    }
  });
}

test('ifcfg: values that are not plain words are single-quoted and read back verbatim', async () => {
  const nasty = `a b'c$d"e\`f\\g;h`;
  assert.equal(shellValue('52:54:00:aa:00:01'), '52:54:00:aa:00:01');
  assert.equal((await source(`X=${shellValue(nasty)}\n`)).X, nasty);
  assert.equal((await source(`X=${shellValue('')}\n`)).X, '');
});

test('ifcfg: conflicts are not files the stack writes', () => {
  const r = rendererFor('ifcfg')!;
  const written = new Set(renderIfcfg(CASES[1]!.input).map((f) => f.path));
  assert.ok(r.conflicts.length > 0 && r.conflicts.every((p) => !written.has(p)));
});
