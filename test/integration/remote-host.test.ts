/**
 * A remote Host for real, in the sandbox: a throw-away dropbear on 127.0.0.1:2222 plays the other
 * hypervisor (root's ~/.ssh is a tmpfs of the sandbox's private mount namespace), and
 * createHost({ remote }) drives it over OpenSSH's ssh: a bridge made and removed, files written,
 * read, listed and removed, a file copied with its sha256 checked, a libvirt network defined
 * through virsh with the XML on stdin; an unknown host key and a closed port are
 * HostUnreachableError, never a command's failure.
 *
 *   bash scripts/sandbox.sh -- node --import tsx --test test/integration/remote-host.test.ts
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { sandboxSkipReason, sleep } from './helpers/env.js';
import { HostUnreachableError } from '../../src/errors.js';
import { createHost, type Host } from '../../src/host/index.js';
import { copyToHost, remoteSha256 } from '../../src/host/remote/copy-file.js';
import { remoteRun } from '../../src/host/remote/remote-run.js';
import { createRunner, type TraceEvent } from '../../src/host/run.js';
import type { SshTarget } from '../../src/host/remote/ssh-target.js';

const skip = sandboxSkipReason();
const PORT = 2222;
let dir = '';
let dropbear: ResultPromise | undefined;
let target: SshTarget;
let host: Host;
const traced: TraceEvent[] = [];

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync('/tmp/vlab-remote-');
  fs.mkdirSync('/root/.ssh', { recursive: true });
  await execa('mount', ['-t', 'tmpfs', '-o', 'mode=0700', 'tmpfs', '/root/.ssh']);
  await execa('ip', ['link', 'set', 'lo', 'up']);
  await execa('dropbearkey', ['-t', 'ed25519', '-f', path.join(dir, 'hostkey')]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
  fs.writeFileSync('/root/.ssh/authorized_keys', fs.readFileSync(path.join(dir, 'id.pub')), { mode: 0o600 });
  const pub = (await execa('dropbearkey', ['-y', '-f', path.join(dir, 'hostkey')])).stdout.split('\n').find((l) => l.startsWith('ssh-'));
  fs.writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${PORT} ${pub}\n`);
  dropbear = execa('dropbear', ['-F', '-E', '-p', `127.0.0.1:${PORT}`, '-r', path.join(dir, 'hostkey')], { reject: false });
  for (let i = 0; i < 50; i++) {
    if ((await execa('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${PORT}`], { reject: false })).exitCode === 0) break;
    await sleep(100);
  }
  target = { name: 'hv-test', host: '127.0.0.1', port: PORT, user: 'root', identity: path.join(dir, 'id'), knownHosts: path.join(dir, 'known_hosts') };
  host = createHost({ remote: { target, libvirtUri: 'qemu:///system', controlDir: path.join(dir, 'ctl') }, trace: (e) => traced.push(e) });
});

after(async () => {
  if (skip) return;
  await execa('ssh', ['-o', `ControlPath=${path.join(dir, 'ctl')}/%C`, '-O', 'exit', '-p', String(PORT), '-l', 'root', '127.0.0.1'], { reject: false });
  dropbear?.kill('SIGTERM');
  await dropbear;
  await execa('umount', ['/root/.ssh'], { reject: false });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('ip over ssh: a bridge made on the remote host, seen there, removed; the trace shows ssh to the host', { skip }, async () => {
  await host.ip.createBridge('vlabrh0', 'vlab:remotetest');
  assert.ok((await host.ip.listLinks()).some((l) => l.name === 'vlabrh0'));
  assert.equal(await host.ip.linkAlias('vlabrh0'), 'vlab:remotetest');
  await host.ip.deleteLink('vlabrh0');
  assert.ok(!(await host.ip.listLinks()).some((l) => l.name === 'vlabrh0'));
  const t = traced.find((e) => e.argv.at(-1)?.startsWith('ip '));
  assert.equal(t?.argv[0], 'ssh');
  assert.ok(t?.argv.includes('127.0.0.1'));
  assert.equal(fs.statSync(path.join(dir, 'ctl')).mode & 0o777, 0o700);
});

test('files over ssh: write, read, list, stat, symlink, remove (odd names and content)', { skip }, () => {
  const d = path.join(dir, `remote files "x" $y`);
  host.files.mkdirp(d, 0o700);
  const f = path.join(d, "it's.json");
  const content = `{"a": "$HOME \`id\`"}\n\nlast line`;
  host.files.writeAtomic(f, content, 0o640);
  assert.equal(host.files.read(f), content);
  assert.equal(fs.statSync(f).mode & 0o777, 0o640);
  host.files.symlink(path.join(d, 'link'), "it's.json");
  assert.deepEqual(host.files.stat(path.join(d, 'link')), { type: 'symlink', target: "it's.json" });
  assert.deepEqual(host.files.list(d).sort(), [path.join(d, "it's.json"), path.join(d, 'link')]);
  host.files.unlink(path.join(d, 'link'));
  host.files.remove(d);
  assert.equal(host.files.exists(d), false);
});

test('copyToHost over ssh: 8 MiB arrive whole, the sums agree', { skip }, async () => {
  const src = path.join(dir, 'disk.img');
  const data = crypto.randomBytes(8 * 1024 * 1024);
  fs.writeFileSync(src, data);
  const dest = path.join(dir, 'copied disk.qcow2');
  const remote = remoteRun(createRunner().run, target, path.join(dir, 'ctl'));
  const sum = await copyToHost(createRunner().run, remote, src, dest, 0o600);
  assert.equal(sum, crypto.createHash('sha256').update(data).digest('hex'));
  assert.ok(fs.readFileSync(dest).equals(data));
  assert.equal(await remoteSha256(remote, dest), sum);
});

test('libvirt over ssh: virsh on the remote host defines a network from XML on stdin, lists and removes it', { skip }, async () => {
  const name = 'vlab-remotetest-n';
  await host.libvirt.defineNetwork(`<network><name>${name}</name><bridge name='vlabrh1'/></network>`);
  assert.ok((await host.libvirt.listNetworks()).some((n) => n.name === name));
  await host.libvirt.undefineNetwork(name);
  assert.ok(!(await host.libvirt.listNetworks()).some((n) => n.name === name));
});

test('an unknown host key and a closed port are HostUnreachableError naming the host', { skip }, async () => {
  const wrongKey = createHost({ remote: { target: { ...target, knownHosts: '/dev/null' }, libvirtUri: 'qemu:///system', controlDir: path.join(dir, 'ctl2') } });
  await assert.rejects(
    wrongKey.ip.listLinks(),
    (e: unknown) => e instanceof HostUnreachableError && e.host === 'hv-test' && /Host key verification failed/.test(e.message) && /known_hosts/.test(e.hint ?? ''),
  );
  const closed = createHost({ remote: { target: { ...target, port: PORT + 1 }, libvirtUri: 'qemu:///system', controlDir: path.join(dir, 'ctl3') } });
  await assert.rejects(closed.ip.listLinks(), (e: unknown) => e instanceof HostUnreachableError && /Connection refused/.test(e.message));
  assert.throws(() => closed.files.exists('/'), HostUnreachableError);
});
