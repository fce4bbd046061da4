/**
 * The direct guest-disk path on real images (FUSE mounts: inside the sandbox): the tiny image
 * (whole-disk ext4) and a GPT-partitioned ext4 image, every kind of edit, read back through
 * libguestfs byte for byte with mode and owner, e2fsck clean; the inspector's routes and
 * fallbacks (XFS, needs_recovery); no daemon or mount left after a SIGKILL mid-edit.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO, sandboxSkipReason } from './helpers/env.js';
import { createRunner } from '../../src/host/run.js';
import { DirectDisks } from '../../src/host/disks/direct-disks.js';
import { DiskInspector } from '../../src/host/disks/inspect.js';
import { cleanupExports, fuseMountsUnder, FuseExport } from '../../src/host/disks/fuse-export.js';
import type { DiskJob, DiskRoute } from '../../src/host/disks/types.js';

const skip = sandboxSkipReason();
const { run } = createRunner();
const TINY = path.join(REPO, 'vm-images', 'tiny', 'disk.qcow2');
let dir = '';

const sh = (argv: string[], input?: string) => execa(argv[0]!, argv.slice(1), { ...(input !== undefined ? { input } : {}) });
const overlay = async (base: string, name: string) => {
  const o = path.join(dir, `${name}.qcow2`);
  await sh(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, o]);
  return o;
};
/** A GPT disk with one ext4 partition at 1 MiB holding `tree`, as qcow2. */
async function partitioned(name: string, tree: Record<string, string>, fsType = 'ext4'): Promise<string> {
  const root = path.join(dir, `${name}-root`);
  for (const [p, c] of Object.entries(tree)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), c);
  }
  const raw = path.join(dir, `${name}.raw`);
  fs.writeFileSync(raw, '');
  fs.truncateSync(raw, 340 << 20);
  await sh(['sfdisk', '-q', raw], 'label: gpt\nstart=2048, size=659456, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n');
  if (fsType === 'ext4') await sh(['mke2fs', '-F', '-q', '-t', 'ext4', '-E', 'offset=1048576', '-d', root, raw, '320M']);
  else {
    const part = path.join(dir, `${name}.part`);
    fs.writeFileSync(part, '');
    fs.truncateSync(part, 322 << 20);
    await sh(['mkfs.xfs', '-q', part]);
    await sh(['dd', `if=${part}`, `of=${raw}`, 'bs=1M', 'seek=1', 'conv=notrunc', 'status=none']);
  }
  const q = path.join(dir, `${name}.qcow2`);
  await sh(['qemu-img', 'convert', '-O', 'qcow2', raw, q]);
  return q;
}

/** Reads files back through libguestfs (ONE launch): content, mode and owner, and whether paths exist. */
async function guestfishRead(
  disk: string,
  root: string,
  files: string[],
  absent: string[],
): Promise<{ content: Record<string, string>; stat: Record<string, string>; exists: Record<string, string> }> {
  const args = ['--ro', '-a', disk, '-m', root];
  const out = fs.mkdtempSync(path.join(dir, 'gf-'));
  const local = (f: string) => path.join(out, f.replaceAll('/', '_'));
  const cmds = [...files.flatMap((f) => [`download ${f} ${local(f)}`, `echo ==stat ${f}`, `lstatns ${f}`]), ...absent.map((p) => `exists ${p}`)];
  const r = await execa('guestfish', args, { input: cmds.join('\n') + '\n', env: { LIBGUESTFS_BACKEND: 'direct', LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg' } });
  const content: Record<string, string> = {};
  const stat: Record<string, string> = {};
  const parts = r.stdout.split(/^==(cat|stat) (\S+)\n/m);
  for (let i = 1; i + 2 < parts.length + 1; i += 3) {
    const [, file, body] = [parts[i]!, parts[i + 1]!, parts[i + 2] ?? ''];
    {
      const mode = /st_mode: (\d+)/.exec(body)?.[1];
      stat[file] = `${Number(mode).toString(8)} ${/st_uid: (\d+)/.exec(body)?.[1]}:${/st_gid: (\d+)/.exec(body)?.[1]}`;
    }
  }
  for (const f of files) content[f] = fs.readFileSync(local(f), 'utf8');
  const tail = r.stdout.trim().split('\n').slice(-absent.length);
  const exists = Object.fromEntries(absent.map((p, i) => [p, tail[i] ?? '']));
  return { content, stat, exists };
}

const EDITS = (): Omit<DiskJob, 'disk' | 'route'> => ({
  files: [
    { path: '/etc/hostname', content: 'replaced\n', mode: 0o644 },
    { path: '/etc/vlab/deep/new/file.conf', content: 'a "quoted" \\ line : with colon\n\ttab\n', mode: 0o600 },
    { path: '/root/.ssh/authorized_keys', content: 'ssh-ed25519 AAAA test\n', mode: 0o600 },
    { path: '/etc/vlab/big', content: 'x'.repeat(300_000), mode: 0o640 },
  ],
  links: [{ path: '/etc/vlab/link', target: '/etc/hostname' }],
  remove: ['/etc/remove-me', '/etc/never-existed'],
});

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-direct-it-'));
  fs.chmodSync(dir, 0o755);
  if (!fs.existsSync(TINY)) await sh(['bash', path.join(REPO, 'vm-images', 'tiny', 'build.sh')]);
});
after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('inspect: the tiny image is whole-disk ext4 with busybox ifupdown; a GPT image has its root in partition 1', { skip, timeout: 120_000 }, async () => {
  const insp = new DiskInspector(run);
  const tiny = await insp.inspect({ disk: TINY, format: 'qcow2' });
  assert.deepEqual(tiny.route, { kind: 'direct', fs: 'ext4', offsetBytes: 0 });
  assert.equal(tiny.stack?.stack, 'ifupdown');
  const gpt = await partitioned('gptinspect', {
    'etc/hostname': 'p\n',
    'etc/netplan/50-cloud-init.yaml': 'network: {version: 2}\n',
    'boot/vmlinuz-6.1.0-9-amd64': 'k',
    'boot/vmlinuz-6.1.0-18-amd64': 'k',
    'boot/initrd.img-6.1.0-18-amd64': 'i',
  });
  const g = await insp.inspect({ disk: gpt, format: 'qcow2' });
  assert.deepEqual(g.route, { kind: 'direct', fs: 'ext4', partition: 1, offsetBytes: 1 << 20 });
  assert.deepEqual(g.stack, { stack: 'netplan', evidence: ['/etc/netplan/50-cloud-init.yaml'] });
  // No grub.cfg: the newest kernel, and root= from the root filesystem's UUID (boot: kernel).
  assert.deepEqual(
    { ...g.boot, cmdline: g.boot?.cmdline.replace(/UUID=[0-9a-f-]{36}/, 'UUID=X') },
    {
      kernel: '/boot/vmlinuz-6.1.0-18-amd64',
      initrd: '/boot/initrd.img-6.1.0-18-amd64',
      cmdline: 'root=UUID=X ro',
      source: '/boot (no grub.cfg)',
    },
  );
  assert.deepEqual(fuseMountsUnder('/'), [], 'no export left mounted');
});

test('inspect: XFS and needs_recovery roots take the libguestfs route and say why', { skip, timeout: 120_000 }, async (t) => {
  const insp = new DiskInspector(run);
  if ((await execa('which', ['mkfs.xfs'], { reject: false })).exitCode === 0) {
    const xfs = await partitioned('xfs', {}, 'xfs');
    assert.deepEqual((await insp.inspect({ disk: xfs, format: 'qcow2' })).route, { kind: 'libguestfs', reason: 'root is not ext2/3/4 (partition 1 is XFS)' });
  } else t.diagnostic('mkfs.xfs missing (xfsprogs): XFS case not run');
  const raw = path.join(dir, 'recover.raw');
  fs.mkdirSync(path.join(dir, 'rec-root', 'etc'), { recursive: true });
  await sh(['mke2fs', '-F', '-q', '-t', 'ext4', '-d', path.join(dir, 'rec-root'), raw, '32M']);
  await sh(['debugfs', '-w', '-R', 'feature needs_recovery', raw]);
  const r = await insp.inspect({ disk: raw, format: 'raw' });
  assert.equal(r.route.kind, 'libguestfs');
  assert.match((r.route as { reason: string }).reason, /needs_recovery is set/);
});

for (const kind of ['tiny', 'gpt'] as const) {
  test(
    `direct edit of ${kind === 'tiny' ? 'the tiny image (whole-disk ext4)' : 'a GPT-partitioned ext4 image'}: every kind of edit, read back through libguestfs, e2fsck clean`,
    { skip, timeout: 300_000 },
    async () => {
      const base = kind === 'tiny' ? TINY : await partitioned('gptedit', { 'etc/hostname': 'old\n', 'etc/remove-me': 'bye\n' });
      const disk = await overlay(base, `edit-${kind}`);
      const route: DiskRoute = kind === 'tiny' ? { kind: 'direct', fs: 'ext4', offsetBytes: 0 } : { kind: 'direct', fs: 'ext4', partition: 1, offsetBytes: 1 << 20 };
      const edits = EDITS();
      const t0 = performance.now();
      assert.deepEqual(await new DirectDisks(run, false).edit([{ disk, route, ...edits }]), [{ disk, route: 'direct' }]);
      process.stdout.write(`# direct edit of 1 ${kind} disk: ${(performance.now() - t0).toFixed(0)} ms\n`);
      const back = await guestfishRead(
        disk,
        kind === 'tiny' ? '/dev/sda' : '/dev/sda1',
        edits.files.map((f) => f.path),
        ['/etc/remove-me', '/etc/vlab/link'],
      );
      for (const f of edits.files) {
        assert.equal(back.content[f.path], f.content, `${f.path} content`);
        assert.equal(back.stat[f.path], `${(0o100000 | f.mode).toString(8)} 0:0`, `${f.path} mode and owner`);
      }
      assert.equal(back.exists['/etc/remove-me'], 'false');
      assert.equal(back.exists['/etc/vlab/link'], 'true');
      const exp = await FuseExport.open(run, disk, { writable: false, dir });
      try {
        // e2fsck reads a block device or file from its start: a loop device at the partition's offset.
        const loop = (await execa('losetup', ['--find', '--show', '--read-only', '-o', String(route.offsetBytes), exp.raw])).stdout.trim();
        try {
          const fsck = await execa('e2fsck', ['-fn', loop], { reject: false });
          assert.equal(fsck.exitCode, 0, fsck.stdout + fsck.stderr);
        } finally {
          await execa('losetup', ['-d', loop]);
        }
      } finally {
        await exp.close();
      }
      assert.equal((await execa('qemu-img', ['check', disk], { reject: false })).exitCode, 0);
    },
  );
}

test('direct edit: 2 and 10 overlays in parallel (figures), and a failing write is caught', { skip, timeout: 300_000 }, async () => {
  const route: DiskRoute = { kind: 'direct', fs: 'ext4', offsetBytes: 0 };
  for (const n of [2, 10]) {
    const disks = await Promise.all(Array.from({ length: n }, (_, i) => overlay(TINY, `par-${n}-${i}`)));
    const t0 = performance.now();
    await new DirectDisks(run, false).edit(disks.map((disk) => ({ disk, route, ...EDITS() })));
    process.stdout.write(`# direct edit of ${n} tiny overlays: ${(performance.now() - t0).toFixed(0)} ms\n`);
  }
  const disk = await overlay(TINY, 'fail');
  // /etc/hostname is a file: writing under it must fail before anything is written.
  await assert.rejects(
    new DirectDisks(run, false).edit([{ disk, route, files: [{ path: '/etc/hostname/x', content: 'x', mode: 0o644 }] }]),
    /is a regular in the image, not a directory/,
  );
  assert.deepEqual(fuseMountsUnder(dir), []);
});

test('cleanup: a process SIGKILLed with an export mounted leaves nothing after cleanupExports', { skip, timeout: 120_000 }, async () => {
  const disk = await overlay(TINY, 'killed');
  const script = `import { createRunner } from '${REPO}/src/host/run.ts'; import { FuseExport } from '${REPO}/src/host/disks/fuse-export.ts';
await FuseExport.open(createRunner().run, ${JSON.stringify(disk)}, { writable: true }); process.stdout.write('exported\\n'); process.kill(process.pid, 'SIGKILL');`;
  const child = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script], { reject: false, cwd: REPO });
  assert.equal(child.signal, 'SIGKILL');
  assert.match(child.stdout, /exported/);
  assert.equal(fuseMountsUnder(dir).length, 1, 'the export outlived its process');
  const lines = await cleanupExports(run, dir);
  assert.equal(lines.length, 1);
  assert.deepEqual(fuseMountsUnder(dir), []);
  const daemons = await execa('pgrep', ['-f', `qemu-storage-daemon.*${path.basename(disk)}`], { reject: false });
  assert.notEqual(daemons.exitCode, 0, `daemon still running: ${daemons.stdout}`);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.includes('killed.qcow2.vlab-export')),
    [],
  );
});
