import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandError } from '../../../src/errors.js';
import { LocalFiles } from '../../../src/host/files.js';
import { RemoteFiles } from '../../../src/host/remote/remote-files.js';
import type { RunOptions, RunResult } from '../../../src/host/run.js';
import { shellRunSync } from './local-shell.js';

const result = (argv: string[], exitCode = 0, stdout = ''): RunResult => ({ argv, exitCode, stdout, stderr: '', durationMs: 1, skipped: false, timedOut: false });

/** A fake runSync on the host: records argv and options, answers by the command's first words. */
function fake(answers: Record<string, RunResult['exitCode'] | [number, string]> = {}) {
  const calls: { argv: string[]; opts: RunOptions }[] = [];
  const run = (argv: string[], opts: RunOptions = {}): RunResult => {
    calls.push({ argv, opts });
    const key = Object.keys(answers).find((k) => argv.join(' ').includes(k));
    const a = key === undefined ? 0 : answers[key]!;
    const [code, out] = typeof a === 'number' ? [a, ''] : a;
    if (code !== 0 && !opts.allowFailure) throw new CommandError(argv, code, 'failed');
    return result(argv, code, out);
  };
  return { run, calls };
}

test('RemoteFiles: each method is one command, paths and content as argv words or stdin, never in the script', () => {
  const { run, calls } = fake();
  const f = new RemoteFiles(run, false, 'hv2');
  f.mkdirp('/var/lib/vlab/a b', 0o700);
  f.remove('/var/lib/vlab/x');
  f.read('/etc/x');
  f.writeAtomic('/var/lib/vlab/s.json', '{"a":1}\n', 0o640);
  f.symlink('/etc/systemd/system/x.wants/u', '../u.service');
  f.unlink('/tmp/y');
  const argv = calls.map((c) => c.argv);
  assert.deepEqual(argv[0], ['sh', '-c', 'mkdir -p -- "$2" && chmod "$1" -- "$2"', 'sh', '700', '/var/lib/vlab/a b']);
  assert.deepEqual(argv[1], ['rm', '-rf', '--', '/var/lib/vlab/x']);
  assert.deepEqual(argv[2], ['cat', '--', '/etc/x']);
  assert.equal(calls[2]?.opts.readOnly, true);
  const w = argv[3]!;
  assert.deepEqual([w[0], w[1], w[3]], ['sh', '-c', 'sh']);
  assert.match(w[4]!, /^\/var\/lib\/vlab\/\.s\.json\.vlab-\d+-[0-9a-f]+\.tmp$/);
  assert.deepEqual(w.slice(5), ['640', '/var/lib/vlab/s.json']);
  assert.equal(calls[3]?.opts.input, '{"a":1}\n');
  for (const c of calls) if (c.argv[0] === 'sh') assert.ok(!c.argv[2]!.includes('/var') && !c.argv[2]!.includes('/etc'), 'values stay out of the script');
  assert.deepEqual(argv[4]!.slice(-2), ['../u.service', '/etc/systemd/system/x.wants/u']);
  assert.deepEqual(argv[5]!.slice(-1), ['/tmp/y']);
});

test('RemoteFiles: exists, stat, list and rmdirIfEmpty read the exit codes; an unexpected failure throws', () => {
  const { run } = fake({
    'test -e /no': 1,
    '/gone': 3,
    '/full': 4,
    '/broken': 2,
    find: [0, '/d/a\0/d/b c\0/d/n\nl\0'],
    '/lnk': [0, 'symbolic link\n../t\n'],
    '/dir': [0, 'directory\n'],
  });
  const f = new RemoteFiles(run, false, 'hv2');
  assert.equal(f.exists('/yes'), true);
  assert.equal(f.exists('/no'), false);
  assert.equal(f.stat('/gone'), undefined);
  assert.deepEqual(f.stat('/lnk'), { type: 'symlink', target: '../t' });
  assert.deepEqual(f.stat('/dir'), { type: 'dir' });
  assert.throws(() => f.stat('/broken'), CommandError);
  assert.deepEqual(f.list('/d'), ['/d/a', '/d/b c', '/d/n\nl']);
  assert.equal(f.rmdirIfEmpty('/gone'), false);
  assert.equal(f.rmdirIfEmpty('/full'), false);
  assert.equal(f.rmdirIfEmpty('/empty'), true);
  assert.throws(() => f.rmdirIfEmpty('/broken'), CommandError);
});

test('RemoteFiles in dry-run: changes are not even sent, reads are', () => {
  const { run, calls } = fake();
  const f = new RemoteFiles(run, true, 'hv2');
  f.mkdirp('/a', 0o700);
  f.remove('/a');
  f.writeAtomic('/a/b', 'x');
  f.symlink('/a/l', 't');
  f.unlink('/a/l');
  assert.equal(f.rmdirIfEmpty('/a'), false);
  assert.equal(calls.length, 0);
  f.read('/a/b');
  f.exists('/a');
  assert.equal(calls.length, 2);
});

test('RemoteFiles against this machine through sh -c: odd paths and content round-trip, and it agrees with LocalFiles', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-remote-files-'));
  try {
    const f = new RemoteFiles(shellRunSync, false, 'local-sh');
    const local = new LocalFiles(false);
    const dir = path.join(root, `it's a "dir" $HOME \`id\``);
    f.mkdirp(path.join(dir, 'sub'), 0o750);
    assert.equal(fs.statSync(path.join(dir, 'sub')).mode & 0o777, 0o750);
    const file = path.join(dir, 'sub', 'f $x;*.txt');
    const content = `line 1\n'quoted' "double" $VAR \`cmd\` \\ back !x\n\n  trailing  \n\n`;
    f.writeAtomic(file, content, 0o640);
    assert.equal(fs.readFileSync(file, 'utf8'), content);
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    assert.equal(f.read(file), content);
    assert.equal(f.exists(file), true);
    assert.equal(f.exists(file + '.missing'), false);
    const nl = path.join(dir, 'new\nline');
    f.writeAtomic(nl, '');
    assert.equal(f.read(nl), '');
    assert.deepEqual(f.stat(file), { type: 'file' });
    assert.deepEqual(f.stat(dir), { type: 'dir' });
    assert.equal(f.stat(path.join(dir, 'none')), undefined);
    const link = path.join(dir, 'link $1');
    f.symlink(link, '../t a r"get');
    f.symlink(link, 'sub/f $x;*.txt');
    assert.deepEqual(f.stat(link), { type: 'symlink', target: 'sub/f $x;*.txt' });
    assert.deepEqual(f.stat(link), local.stat(link));
    assert.deepEqual(f.list(dir).sort(), local.list(dir).sort());
    assert.deepEqual(f.list(path.join(root, 'missing')), []);
    assert.throws(() => f.unlink(path.join(dir, 'sub')), CommandError);
    f.unlink(link);
    f.unlink(link);
    assert.equal(f.stat(link), undefined);
    assert.equal(f.rmdirIfEmpty(path.join(dir, 'sub')), false);
    assert.equal(f.rmdirIfEmpty(path.join(dir, 'nope')), false);
    f.remove(path.join(dir, 'sub'));
    f.remove(nl);
    assert.equal(f.rmdirIfEmpty(dir), true);
    assert.equal(fs.existsSync(dir), false);
    assert.deepEqual(fs.readdirSync(root), [], 'no temp file left behind');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
