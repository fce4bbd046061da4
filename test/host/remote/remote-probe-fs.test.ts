/** The probe's ProbeFs on a remote host: one argv-only command per read, parsed; ssh's own failure let through; a round trip through sh -c agrees with node:fs. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { HostUnreachableError } from '../../../src/errors.js';
import { ProcProbe } from '../../../src/host/probe.js';
import { LocalProbeFs } from '../../../src/host/probe-fs.js';
import { READ_EACH, RemoteProbeFs, WHICH } from '../../../src/host/remote/remote-probe-fs.js';
import { createRunner, type RunFn, type RunOptions, type RunResult } from '../../../src/host/run.js';
import { shellRun, shellRunSync } from './local-shell.js';

const result = (argv: string[], exitCode = 0, stdout = ''): RunResult => ({ argv, exitCode, stdout, stderr: '', durationMs: 1, skipped: false, timedOut: false });

/** A fake runSync on the host: records argv and options, answers by the command's first word. */
function fake(answers: Record<string, [number, string]>) {
  const calls: { argv: string[]; opts: RunOptions }[] = [];
  const run = (argv: string[], opts: RunOptions = {}): RunResult => {
    calls.push({ argv, opts });
    const a = answers[argv[0] === 'sh' ? argv[2]! : argv[0]!] ?? [1, ''];
    return result(argv, a[0], a[1]);
  };
  return { run, calls };
}

test('RemoteProbeFs: each read is one read-only command with the path as an argv word, and its output is parsed', () => {
  const { run, calls } = fake({
    cat: [0, 'MemAvailable: 1 kB\n'],
    test: [0, ''],
    stat: [0, '21b0 0 997\n'],
    find: [0, 'a\0b c\0n\nl\0'],
    [READ_EACH]: [0, '1\0init\0' + '22\0firewalld\0'],
    [WHICH]: [0, 'virsh\t/usr/bin/virsh\nip\t/usr/sbin/ip\nnone\t\ncd\tcd\n'],
  });
  const f = new RemoteProbeFs(run);
  assert.equal(f.read('/proc/meminfo'), 'MemAvailable: 1 kB\n');
  assert.equal(f.exists('/sys/module/vxlan'), true);
  assert.deepEqual(f.stat('/dev/kvm'), { mode: 0o660, uid: 0, gid: 997, type: 'char' });
  assert.deepEqual(f.readdir('/proc'), ['a', 'b c', 'n\nl']);
  assert.deepEqual(f.readEach('/proc', 'comm'), { '1': 'init', '22': 'firewalld' });
  assert.deepEqual(f.which(['virsh', 'ip', 'none', 'cd']), { virsh: '/usr/bin/virsh', ip: '/usr/sbin/ip', none: null, cd: null });
  const argv = calls.map((c) => c.argv);
  assert.deepEqual(argv[0], ['cat', '--', '/proc/meminfo']);
  assert.deepEqual(argv[1], ['test', '-e', '/sys/module/vxlan']);
  assert.deepEqual(argv[2], ['stat', '-L', '-c', '%f %u %g', '--', '/dev/kvm']);
  assert.deepEqual(argv[3], ['find', '-H', '/proc', '-mindepth', '1', '-maxdepth', '1', '-printf', '%f\\0']);
  assert.deepEqual(argv[4], ['sh', '-c', READ_EACH, 'sh', '/proc', 'comm']);
  assert.deepEqual(argv[5], ['sh', '-c', WHICH, 'sh', 'virsh', 'ip', 'none', 'cd']);
  for (const c of calls) assert.ok(c.opts.readOnly && c.opts.allowFailure, `${c.argv[0]} is read-only and may fail`);
  for (const s of [READ_EACH, WHICH]) assert.ok(!s.includes('/proc') && !s.includes('virsh'), 'values stay out of the scripts');
});

test('RemoteProbeFs: a failing read is undefined (or false); a path that looks like an option gets ./', () => {
  const { run, calls } = fake({});
  const f = new RemoteProbeFs(run);
  assert.equal(f.read('/none'), undefined);
  assert.equal(f.exists('/none'), false);
  assert.equal(f.stat('/none'), undefined);
  assert.equal(f.readdir('/none'), undefined);
  assert.deepEqual(f.readEach('/none', 'comm'), {});
  assert.equal(f.freeBytes('/none'), undefined);
  f.read('-rf');
  assert.deepEqual(calls.at(-1)!.argv, ['cat', '--', './-rf']);
  const { run: df } = fake({ stat: [0, '1000 4096\n'] });
  assert.equal(new RemoteProbeFs(df).freeBytes('/var/lib/vlab'), 4096000);
});

test('RemoteProbeFs: a host ssh cannot reach throws HostUnreachableError, never "file missing"', () => {
  const f = new RemoteProbeFs(() => {
    throw new HostUnreachableError('b', 'connect to host 198.19.0.2 port 22: Network is unreachable', 'root@198.19.0.2');
  });
  assert.throws(() => f.read('/proc/meminfo'), HostUnreachableError);
  assert.throws(() => f.which(['virsh']), HostUnreachableError);
});

test('RemoteProbeFs against this machine through sh -c: odd names round-trip, and it agrees with LocalProbeFs', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `vlab-remote-probe-fs-it's "odd" $HOME \`id\`-`));
  try {
    const local = new LocalProbeFs();
    const remote = new RemoteProbeFs(shellRunSync);
    const put = (p: string, text: string, mode = 0o644) => {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), text);
      fs.chmodSync(path.join(root, p), mode);
    };
    put('proc/1/comm', 'init\n');
    put('proc/2 two/comm', 'no newline at the end');
    put('proc/3/comm', '');
    put('proc/.hidden/comm', 'h\nsecond\n');
    put('proc/$x;*/comm', 'star\n', 0o600);
    fs.mkdirSync(path.join(root, 'proc/4'));
    put('f $y', 'content\n\n', 0o640);
    const p = (x: string) => path.join(root, x);
    assert.deepEqual(remote.readEach(p('proc'), 'comm'), local.readEach(p('proc'), 'comm'));
    assert.deepEqual(remote.readEach(p('proc'), 'comm'), { '1': 'init', '2 two': 'no newline at the end', '.hidden': 'h', '$x;*': 'star' });
    assert.deepEqual(remote.readEach(p('missing'), 'comm'), {});
    assert.deepEqual(remote.readdir(p('proc'))!.sort(), local.readdir(p('proc'))!.sort());
    for (const x of ['f $y', 'proc', 'proc/$x;*/comm', 'missing']) {
      assert.deepEqual(remote.read(p(x)), local.read(p(x)), x);
      assert.deepEqual(remote.exists(p(x)), local.exists(p(x)), x);
      assert.deepEqual(remote.stat(p(x)), local.stat(p(x)), x);
    }
    assert.deepEqual(remote.stat('/dev/null'), local.stat('/dev/null'));
    assert.ok((remote.freeBytes(root) ?? 0) > 0);
    const tools = ['sh', 'cat', 'no-such-tool-vlab'];
    assert.deepEqual(remote.which(tools), local.which(tools));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('ProcProbe over RemoteProbeFs (this machine through sh -c) reads the same facts as over node:fs', async () => {
  // Only `ip -j link show` really runs (the links' MTUs); every other command answers "failed".
  const real = createRunner().run;
  const ipOnly =
    (run: RunFn): RunFn =>
    async (argv, o) =>
      argv[0] === 'ip' ? run(argv, o) : result(argv, 1);
  const opts = { uri: 'qemu:///system', stateRoot: os.tmpdir(), multiHost: true };
  const strip = (f: Awaited<ReturnType<ProcProbe['probe']>>) => ({ ...f, memAvailableBytes: 0, stateRoot: { ...f.stateRoot, freeBytes: 0 } });
  const here = await new ProcProbe(ipOnly(real)).probe(opts);
  const there = await new ProcProbe(ipOnly(shellRun), new RemoteProbeFs(shellRunSync)).probe(opts);
  assert.deepEqual(strip(there), strip(here));
  assert.ok(Object.keys(there.linkMtu ?? {}).includes('lo'), 'the MTU of every link, lo among them');
});
