/**
 * The host adapters against the real tools, inside scripts/sandbox.sh (private network, mount
 * and PID namespaces with their own libvirtd):
 *
 *   bash scripts/sandbox.sh -- node --import tsx --test test/integration/host-adapters.test.ts
 *
 * Every address used (198.18.50.0/24) lives on a bridge inside the sandbox's own network
 * namespace; no packet is sent. The guest agent path is covered by tiny-boot and the lab tests.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxSkipReason } from './helpers/env.js';
import { createHost, type Host } from '../../src/host/index.js';
import { LibvirtClient } from '../../src/host/libvirt/index.js';
import { createRunner } from '../../src/host/run.js';

const { run } = createRunner();
const LG = { kind: 'libguestfs', reason: 'this test' } as const;
import { detectAccel } from '../../src/host/accel.js';

const skip = sandboxSkipReason();

const LAB = 'hosttest';
const BRIDGE = 'vlabht0';
const NET = 'vlab-hosttest-lan';
const DOM_B = 'vlab-hosttest-b'; // through the binding
const DOM_V = 'vlab-hosttest-v'; // through virsh
const RULE = ['-s', '198.18.50.0/24', '!', '-d', '198.18.50.0/24', '-m', 'comment', '--comment', `vlab:${LAB}`, '-j', 'MASQUERADE'];
const XMLNS = 'https://vlab.dev/xmlns/vlab/1';

const networkXml = `<network>
  <name>${NET}</name>
  <metadata><vlab:owner xmlns:vlab="${XMLNS}" lab="${LAB}" network="lan"/></metadata>
  <forward mode='bridge'/>
  <bridge name='${BRIDGE}'/>
</network>`;

/** A diskless domain booting the host's kernel (it panics without a root fs, but runs). */
function domainXml(name: string): string | undefined {
  const kernel = fs.readdirSync('/boot').find((f) => f.startsWith('vmlinuz-'));
  if (!kernel) return undefined;
  return `<domain type='qemu'>
  <name>${name}</name>
  <metadata><vlab:owner xmlns:vlab="${XMLNS}" lab="${LAB}" guest="${name}"/></metadata>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>/boot/${kernel}</kernel><cmdline>console=ttyS0 panic=0</cmdline></os>
  <on_crash>destroy</on_crash>
  <devices><serial type='pty'/><console type='pty'/>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
  </devices>
</domain>`;
}

const quietly = async (f: () => Promise<unknown>) => {
  try {
    await f();
  } catch {
    /* cleanup */
  }
};

describe('host adapters (sandbox)', { skip }, () => {
  let host: Host;
  let dir = '';

  before(() => {
    host = createHost({});
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-host-it-'));
  });

  after(async () => {
    const virshOnly = new LibvirtClient(run, undefined, { binding: false });
    for (const d of [DOM_B, DOM_V]) {
      await quietly(() => virshOnly.destroyDomain(d));
      await quietly(() => virshOnly.undefineDomain(d));
    }
    await quietly(() => host.libvirt.destroyNetwork(NET));
    await quietly(() => host.libvirt.undefineNetwork(NET));
    while (await host.iptables.exists('nat', 'POSTROUTING', RULE).catch(() => false)) await host.iptables.delete('nat', 'POSTROUTING', RULE);
    await quietly(() => host.ip.deleteLink(BRIDGE));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('ip: bridge with alias, address, up; links, addresses, routes read back', async () => {
    await host.ip.createBridge(BRIDGE, `vlab:${LAB}`);
    await host.ip.addAddress(BRIDGE, '198.18.50.1/24');
    await host.ip.setUp(BRIDGE);
    const link = (await host.ip.listLinks()).find((l) => l.name === BRIDGE);
    assert.ok(link, 'bridge listed');
    assert.equal(link.kind, 'bridge');
    assert.equal(link.alias, `vlab:${LAB}`);
    assert.equal(link.up, true);
    assert.match(link.mac ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.equal(await host.ip.linkAlias(BRIDGE), `vlab:${LAB}`);
    assert.equal(await host.ip.linkAlias('vlabnope0'), undefined);
    assert.ok((await host.ip.listAddresses()).some((a) => a.ifname === BRIDGE && a.cidr === '198.18.50.1/24'));
    assert.ok((await host.ip.listRoutes()).some((r) => r.dst === '198.18.50.0/24' && r.dev === BRIDGE));
  });

  test('iptables: append / exists / rules / delete a commented rule', async () => {
    assert.equal(await host.iptables.exists('nat', 'POSTROUTING', RULE), false);
    await host.iptables.append('nat', 'POSTROUTING', RULE);
    assert.equal(await host.iptables.exists('nat', 'POSTROUTING', RULE), true);
    const rules = await host.iptables.rules('nat', 'POSTROUTING');
    assert.ok(
      rules.some((r) => r.includes('198.18.50.0/24') && r.includes(`vlab:${LAB}`) && r.includes('MASQUERADE')),
      rules.join('\n'),
    );
    await host.iptables.insert('filter', 'FORWARD', ['-i', BRIDGE, '-m', 'comment', '--comment', `vlab:${LAB}`, '-j', 'ACCEPT']);
    assert.match((await host.iptables.rules('filter', 'FORWARD'))[0] ?? '', new RegExp(`-i ${BRIDGE} .*vlab:${LAB}`));
    await host.iptables.delete('filter', 'FORWARD', ['-i', BRIDGE, '-m', 'comment', '--comment', `vlab:${LAB}`, '-j', 'ACCEPT']);
    await host.iptables.delete('nat', 'POSTROUTING', RULE);
    assert.equal(await host.iptables.exists('nat', 'POSTROUTING', RULE), false);
    assert.match(await host.iptables.policy('FORWARD'), /^(ACCEPT|DROP)$/);
  });

  test('sysctl: set and get ip_forward', async () => {
    const before = await host.sysctl.get('net.ipv4.ip_forward');
    await host.sysctl.set('net.ipv4.ip_forward', '1');
    assert.equal(await host.sysctl.get('net.ipv4.ip_forward'), '1');
    await host.sysctl.set('net.ipv4.ip_forward', before);
    assert.equal(await host.sysctl.get('net.ipv4.ip_forward'), before);
  });

  test('libvirt network: define / start / owner read back / destroy / undefine', async () => {
    await host.libvirt.defineNetwork(networkXml);
    let n = (await host.libvirt.listNetworks()).find((x) => x.name === NET);
    assert.deepEqual(n, { name: NET, active: false, owner: LAB });
    await host.libvirt.startNetwork(NET);
    n = (await host.libvirt.listNetworks()).find((x) => x.name === NET);
    assert.equal(n?.active, true);
    assert.match(await host.libvirt.networkXml(NET), new RegExp(`<bridge name='${BRIDGE}'`));
    await host.libvirt.destroyNetwork(NET);
    await host.libvirt.undefineNetwork(NET);
    assert.equal(
      (await host.libvirt.listNetworks()).find((x) => x.name === NET),
      undefined,
    );
  });

  for (const [label, name, binding] of [
    ['binding', DOM_B, true],
    ['virsh', DOM_V, false],
  ] as const) {
    test(`libvirt domain through ${label}: define / start / state / owner / agent error / destroy / undefine`, async (t) => {
      const xml = domainXml(name);
      if (!xml) return t.skip('no /boot/vmlinuz-* to boot');
      const lv = new LibvirtClient(run, undefined, { binding, verbose: (m: string) => t.diagnostic(m) });
      assert.equal(await lv.domainState(name), 'missing');
      await lv.defineDomain(xml);
      assert.equal(await lv.domainState(name), 'shut off');
      assert.deepEqual(
        (await lv.listDomains()).find((d) => d.name === name),
        { name, active: false, owner: LAB },
      );
      await lv.startDomain(name);
      assert.equal(await lv.domainState(name), 'running');
      assert.equal((await lv.listDomains()).find((d) => d.name === name)?.active, true);
      assert.match(await lv.domainXml(name), /<vlab:owner/);
      await assert.rejects(lv.agentCommand(name, { execute: 'guest-ping' }, 2), /qemu guest agent not answering/);
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) await lv.domainState(name);
      t.diagnostic(`domainState through ${label}: ${((performance.now() - t0) / 20).toFixed(2)} ms a call`);
      await lv.destroyDomain(name);
      assert.equal(await lv.domainState(name), 'shut off');
      await assert.rejects(lv.agentCommand(name, { execute: 'guest-ping' }, 2), /is not running/);
      await lv.undefineDomain(name);
      assert.equal(await lv.domainState(name), 'missing');
    });
  }

  test('dry-run: changes are skipped (binding too), reads still run', async (t) => {
    const xml = domainXml(DOM_B);
    if (!xml) return t.skip('no /boot/vmlinuz-* to boot');
    const dry = createHost({ dryRun: true });
    await dry.libvirt.defineDomain(xml);
    await dry.ip.createBridge('vlabht9', 'vlab:dry');
    assert.equal(await host.libvirt.domainState(DOM_B), 'missing');
    assert.equal(
      (await host.ip.listLinks()).find((l) => l.name === 'vlabht9'),
      undefined,
    );
    assert.equal(host.dryRun, false, 'a dry-run host beside it does not make this one dry');
  });

  test('guest disks: two disks in one launch, files and modes, removal, detection', async (t) => {
    const mkdisk = async (name: string, tree: Record<string, string>) => {
      const root = path.join(dir, name);
      for (const [p, content] of Object.entries(tree)) {
        fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
        fs.writeFileSync(path.join(root, p), content, { mode: 0o755 });
      }
      await run(['mke2fs', '-q', '-F', '-t', 'ext4', '-d', root, path.join(dir, `${name}.raw`), '32M']);
      await run(['qemu-img', 'convert', '-O', 'qcow2', path.join(dir, `${name}.raw`), path.join(dir, `${name}.qcow2`)]);
      fs.rmSync(path.join(dir, `${name}.raw`));
      return path.join(dir, `${name}.qcow2`);
    };
    const d1 = await mkdisk('d1', { 'sbin/ifup': '#!/bin/sh\n', 'etc/old.conf': 'old\n' });
    const d2 = await mkdisk('d2', { 'etc/netplan/50-cloud-init.yaml': 'network: {version: 2}\n' });
    const t0 = performance.now();
    const results = await host.disks.edit([
      {
        disk: d1,
        route: LG,
        files: [
          { path: '/etc/network/interfaces', content: 'auto eth0\niface eth0 inet static\n    address 198.18.50.2\n', mode: 0o644 },
          { path: '/etc/vlab/secret', content: 'a "quoted" \\ line : with colon\n', mode: 0o600 },
          { path: '/etc/vlab/colon', content: ':', mode: 0o640 },
        ],
        remove: ['/etc/old.conf', '/etc/never-existed'],
        render: () => ({ files: [] }),
      },
      {
        disk: d2,
        route: LG,
        files: [],
        render: (det) => ({ files: [{ path: '/etc/vlab/stack', content: `${det?.stack}\n`, mode: 0o755 }], links: [{ path: '/etc/vlab/link', target: '/etc/vlab/stack' }] }),
      },
    ]);
    t.diagnostic(`guest-disk edit of 2 disks in one launch: ${((performance.now() - t0) / 1000).toFixed(1)} s (accel: ${detectAccel().kvm ? 'kvm' : 'tcg'})`);
    assert.deepEqual(results[0], { disk: d1, route: 'libguestfs', root: '/dev/sda', detected: { stack: 'ifupdown', evidence: ['/sbin/ifup'] } });
    assert.deepEqual(results[1], { disk: d2, route: 'libguestfs', root: '/dev/sdb', detected: { stack: 'netplan', evidence: ['/etc/netplan/50-cloud-init.yaml'] } });

    // Read back without libguestfs: raw copy + debugfs.
    const readBack = async (disk: string) => {
      const raw = disk.replace(/\.qcow2$/, '.check.raw');
      await run(['qemu-img', 'convert', '-O', 'raw', disk, raw]);
      return {
        cat: async (p: string) => (await run(['debugfs', '-R', `cat ${p}`, raw], { allowFailure: true })).stdout,
        mode: async (p: string) => /Mode:\s+(\d+)/.exec((await run(['debugfs', '-R', `stat ${p}`, raw], { allowFailure: true })).stdout)?.[1],
        exists: async (p: string) => !/not found/i.test((await run(['debugfs', '-R', `stat ${p}`, raw], { allowFailure: true })).stderr),
      };
    };
    const r1 = await readBack(d1);
    assert.equal(await r1.cat('/etc/network/interfaces'), 'auto eth0\niface eth0 inet static\n    address 198.18.50.2\n');
    assert.equal(await r1.mode('/etc/network/interfaces'), '0644');
    assert.equal(await r1.cat('/etc/vlab/secret'), 'a "quoted" \\ line : with colon\n');
    assert.equal(await r1.mode('/etc/vlab/secret'), '0600');
    assert.equal(await r1.cat('/etc/vlab/colon'), ':');
    assert.equal(await r1.mode('/etc/vlab/colon'), '0640');
    assert.equal(await r1.exists('/etc/old.conf'), false);
    assert.equal(await r1.exists('/sbin/ifup'), true);
    const r2 = await readBack(d2);
    assert.equal(await r2.cat('/etc/vlab/stack'), 'netplan\n');
    assert.equal(await r2.mode('/etc/vlab/stack'), '0755');
    assert.equal(stray(dir), '', 'no guestfish left running');
  });

  test('guest disks: a render that throws writes nothing and leaves no guestfish behind', async () => {
    const d1 = path.join(dir, 'd1.qcow2');
    await assert.rejects(
      host.disks.edit([
        { disk: d1, route: LG, files: [{ path: '/etc/vlab/should-not-exist', content: 'x', mode: 0o644 }] },
        {
          disk: path.join(dir, 'd2.qcow2'),
          route: LG,
          files: [],
          render: () => {
            throw new Error('render refused');
          },
        },
      ]),
      /render refused/,
    );
    const raw = path.join(dir, 'd1.after.raw');
    await run(['qemu-img', 'convert', '-O', 'raw', d1, raw]);
    assert.match((await run(['debugfs', '-R', 'stat /etc/vlab/should-not-exist', raw], { allowFailure: true })).stderr, /not found/i);
    assert.equal(stray(dir), '', 'no guestfish left running');
  });
});

/** Live (non-zombie) processes whose command line mentions `dir` and guestfish/qemu. */
function stray(dir: string): string {
  const out: string[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').join(' ');
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      if (cmd.includes(dir) && /guestfish|qemu/.test(cmd)) out.push(`${e}: ${cmd.slice(0, 120)}`);
    } catch {
      /* gone */
    }
  }
  return out.join('\n');
}
