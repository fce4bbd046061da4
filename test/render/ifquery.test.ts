/** Feeds every rendered interfaces file to ifupdown's own parser (ifquery). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { labHosts } from '../../src/render/hosts.js';
import { netmask } from '../../src/spec/ipv4.js';
import { renderInterfaces } from '../../src/render/netconfig/ifupdown.js';
import type { Lab } from '../../src/spec/types.js';
import { multiLab, seedLab } from '../fixtures/render/seed-lab.js';
import { quietLab } from '../golden/netconfig/fixtures.js';

const IFQUERY = '/usr/sbin/ifquery';
const dir = mkdtempSync(join(tmpdir(), 'vlab-ifquery-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `key: value` lines of `ifquery -i FILE IFACE` as a map (repeated keys keep the first). */
async function query(file: string, iface: string): Promise<Map<string, string>> {
  const { stdout } = await execa(IFQUERY, ['-i', file, iface]);
  const map = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^([\w-]+): (.*)$/.exec(line);
    if (m && !map.has(m[1]!)) map.set(m[1]!, m[2]!);
  }
  return map;
}

for (const lab of [seedLab, multiLab, quietLab] as Lab[]) {
  for (const guest of lab.guests) {
    test(`ifquery parses ${lab.name}/${guest.name}'s interfaces file`, async () => {
      const file = join(dir, `${lab.name}-${guest.name}`);
      writeFileSync(file, renderInterfaces({ lab, guest, hosts: labHosts(lab) }));
      const all = await execa(IFQUERY, ['-i', file, '--list', '-a']);
      assert.deepEqual(all.stdout.split('\n'), ['lo', ...guest.interfaces.map((n) => n.ifname)]);
      for (const nic of guest.interfaces) {
        const got = await query(file, nic.ifname);
        if (!nic.address) {
          assert.equal(got.size, 0, `${nic.ifname} is ${nic.unconfigured ? 'manual' : 'dhcp'}: no options`);
          continue;
        }
        assert.equal(got.get('address'), nic.address);
        assert.equal(got.get('netmask'), netmask(nic.prefix!));
        assert.equal(got.get('gateway'), nic.gateway);
      }
    });
  }
}
