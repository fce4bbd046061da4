import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BugError } from '../../../src/errors.js';
import { createHost } from '../../../src/host/index.js';
import { createRemoteHost, proxyThrough } from '../../../src/host/remote/remote-host.js';
import type { RunOptions, RunResult, Runner } from '../../../src/host/run.js';
import { sshArgv } from '../../../src/host/ssh-exec.js';

const controlDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-rh-')), 'ssh');
const target = { name: 'hv2', host: '10.0.0.2', user: 'root', identity: '/k/id' };
const ok = (argv: string[], stdout = ''): RunResult => ({ argv, exitCode: 0, stdout, stderr: '', durationMs: 1, skipped: false, timedOut: false });

/** A runner that records every command and answers 0. */
function fakeRunner(answer: (argv: string[]) => string = () => '') {
  const calls: { argv: string[]; opts: RunOptions }[] = [];
  const interactive: string[][] = [];
  const runner: Runner = {
    run: async (argv, opts = {}) => (calls.push({ argv, opts }), ok(argv, answer(argv))),
    runSync: (argv, opts = {}) => (calls.push({ argv, opts }), ok(argv, answer(argv))),
    spawnDetached: () => undefined,
    startAttached: () => {
      throw new Error('not here');
    },
    interactive: async (argv) => (interactive.push(argv), 0),
    dryRun: false,
  };
  return { runner, calls, interactive };
}

test('createHost({ remote }): ip, libvirt (virsh with the XML on stdin), files and qemu-img run on the host over ssh', async () => {
  const { runner, calls } = fakeRunner();
  const host = createRemoteHost(runner, { target, libvirtUri: 'qemu:///system', controlDir });
  assert.equal(host.where, 'hv2');
  await host.ip.deleteLink('vlabx0');
  await host.libvirt.defineNetwork('<network><name>n</name></network>');
  host.files.writeAtomic('/var/lib/vlab/x', 'data');
  for (const c of calls) {
    assert.equal(c.argv[0], 'ssh');
    assert.equal(c.argv[c.argv.indexOf('--') - 1], '10.0.0.2');
  }
  const define = calls.find((c) => c.argv.at(-1)!.includes('net-define'))!;
  assert.equal(define.argv.at(-1), `sh -c 'cat | virsh "$@"' sh -q -c qemu:///system net-define /dev/stdin`);
  assert.equal(define.opts.input, '<network><name>n</name></network>');
  assert.equal(fs.statSync(controlDir).mode & 0o777, 0o700, 'the control folder is made 0700 before the first command');
});

test('createHost({ remote }): controller-only ports throw a BugError naming the port; disk helpers are none there', async () => {
  const { runner } = fakeRunner();
  const host = createRemoteHost(runner, { target, libvirtUri: 'qemu:///system', controlDir });
  for (const [port, use] of [
    ['disks', () => host.disks.edit([])],
    ['inspector', () => host.inspector.inspect({ disk: '/x', format: 'qcow2' })],
    ['seedIsos', () => host.seedIsos.build('/x', [], 'cidata')],
    ['sshKeygen', () => host.sshKeygen.ensureKey('/x', 'c')],
    ['sandbox', () => host.sandbox.start([])],
  ] as const) {
    assert.throws(use as () => unknown, (e: unknown) => e instanceof BugError && e.message.includes(`the ${port} port`) && e.message.includes('hv2'), port);
  }
  assert.deepEqual(host.processes.killStrayDiskHelpers('/d'), []);
  assert.deepEqual(await host.processes.cleanupDiskExports('/d'), []);
  assert.throws(() => host.processes.dhcpClients('eth0'), BugError);
});

test('createHost({ remote }): guests on the host are reached through it (ProxyCommand; virsh console under ssh -t)', async () => {
  const { runner, calls, interactive } = fakeRunner();
  const host = createRemoteHost(runner, { target, libvirtUri: 'qemu:///system', controlDir });
  const keys = {
    clientKey: '/lab/id',
    knownHosts: '/lab/known_hosts',
    guests: [{ guest: 'web', domain: 'vlab-l-web', address: '172.16.0.2', hostKey: '/lab/hk', alias: 'vlab-l-web', mode: 'ssh' as const }],
  };
  const exec = host.labExec(keys);
  await exec.exec('vlab-l-web', ['hostname']);
  const guestSsh = calls.at(-1)!.argv;
  const proxy = guestSsh[guestSsh.indexOf(guestSsh.find((a) => a.startsWith('ProxyCommand='))!)]!;
  assert.match(proxy, /^ProxyCommand=ssh .* 10\.0\.0\.2 -W '\[%h\]:%p'$/);
  assert.ok(proxy.includes(`ControlPath=${controlDir.replace(/%/g, '%%%%')}/%%C`), 'the hop shares the host connection (%C survives ssh expansion)');
  assert.equal(guestSsh.at(-2), '172.16.0.2');
  assert.deepEqual(
    sshArgv(exec.sshTarget('vlab-l-web')!, ['true'], { connectTimeoutSec: 1, stdin: false }),
    sshArgv({ ...exec.sshTarget('vlab-l-web')!, via: proxyThrough(target, controlDir) }, ['true'], { connectTimeoutSec: 1, stdin: false }),
  );
  await host.console.attach('vlab-l-web');
  assert.deepEqual(interactive[0]?.slice(0, 2), ['ssh', '-t']);
  assert.equal(interactive[0]?.at(-1), 'virsh -c qemu:///system console vlab-l-web');
});

test('createHost without remote stays local: local URIs only, where is local', () => {
  assert.equal(createHost({ dryRun: true }).where, 'local');
  assert.throws(() => createHost({ uri: 'qemu+tcp://hv2/system' }), /names another host/);
  assert.equal(createHost({ uri: 'qemu+ssh://hv2/system' }).connectUri, 'qemu+ssh://hv2/system', 'qemu+ssh: the lab goes to that host');
});
