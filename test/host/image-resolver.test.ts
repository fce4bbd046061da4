import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseImageYaml, resolveImages } from '../../src/host/image-resolver.js';
import type { QemuImg } from '../../src/host/qemu-img.js';
import type { Lab } from '../../src/spec/types.js';

let dir = '';
// Files named *.raw.qcow2 pretend to be raw; everything else is qcow2 of 1 GiB.
const fakeQemuImg: QemuImg = {
  async info(p) {
    if (p.includes('broken')) throw new Error('command failed (exit 1): qemu-img info\n      qemu-img: Image is not in qcow2 format');
    return { format: p.endsWith('.raw.qcow2') || p.endsWith('.img') ? 'raw' : 'qcow2', virtualSize: 1 << 30 };
  },
  rebaseUnsafe: () => Promise.reject(new Error('not used')),
  async createOverlay() {
    throw new Error('not used');
  },
};

const lab = (images: Record<string, string>): Lab => ({
  name: 't',
  file: path.join(dir, 'vlab.yaml'),
  dir,
  accel: 'auto',
  networks: [],
  guests: [],
  images: Object.entries(images).map(([name, p]) => ({ name, path: path.join(dir, p) })),
  verify: { external: [], checks: [] },
});

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-img-'));
  const mk = (rel: string, content = '') => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  };
  mk('good/image.yaml', 'disk: disk.qcow2\nkernel: vmlinuz\ninitrd: initrd.img\ncmdline: "console=ttyS0 root=/dev/vda"\nnetconfig: ifupdown\nexec: agent\n');
  mk('good/disk.qcow2');
  mk('good/vmlinuz');
  mk('good/initrd.img');
  mk('tiny/image.yaml', 'disk: disk.qcow2\n');
  mk('tiny/build.sh');
  mk('typo/image.yaml', 'disk: d.qcow2\nnetconf: netplan\n');
  mk('raw/image.yaml', 'disk: d.raw.qcow2\n');
  mk('raw/d.raw.qcow2');
  mk('empty/README');
  mk('bare.qcow2');
  mk('disk.img');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('parseImageYaml: valid, unknown keys with suggestions, bad enums, missing disk', () => {
  assert.deepEqual(parseImageYaml('disk: a.qcow2\nnetconfig: netplan\n'), { ok: { disk: 'a.qcow2', netconfig: 'netplan' } });
  const r = parseImageYaml('dsk: a.qcow2\nnetconfig: netplna\nexec: telnet\n');
  assert.ok('problems' in r);
  const msgs = r.problems.map((p) => p.message + (p.hint ? ` (${p.hint})` : ''));
  assert.ok(
    msgs.some((m) => /unknown key 'dsk'.*did you mean 'disk'/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(msgs.some((m) => /'disk' is required/.test(m)));
  assert.ok(msgs.some((m) => /netconfig 'netplna'.*did you mean 'netplan'/.test(m)));
  assert.ok(msgs.some((m) => /exec 'telnet'/.test(m)));
  assert.deepEqual(parseImageYaml('disk: a.qcow2\nboot: kernel\n'), { ok: { disk: 'a.qcow2', boot: 'kernel' } });
  const b = parseImageYaml('disk: a.qcow2\nboot: grub\n');
  assert.ok('problems' in b && /boot 'grub' is not one of firmware, kernel/.test(b.problems[0]!.message));
  assert.ok('problems' in parseImageYaml('- a\n- b\n'));
  assert.ok('problems' in parseImageYaml('disk: [unclosed\n'));
});

test('resolveImages: folder, bare qcow2, and every kind of problem', async () => {
  const r = await resolveImages(lab({ good: 'good', tiny: 'tiny', typo: 'typo', raw: 'raw', empty: 'empty', bare: 'bare.qcow2', img: 'disk.img', gone: 'nope' }), fakeQemuImg);
  assert.deepEqual(r.good, {
    name: 'good',
    disk: path.join(dir, 'good/disk.qcow2'),
    format: 'qcow2',
    virtualSize: 1 << 30,
    kernel: path.join(dir, 'good/vmlinuz'),
    initrd: path.join(dir, 'good/initrd.img'),
    cmdline: 'console=ttyS0 root=/dev/vda',
    netconfig: 'ifupdown',
    exec: 'agent',
  });
  assert.deepEqual(r.bare, { name: 'bare', disk: path.join(dir, 'bare.qcow2'), format: 'qcow2', virtualSize: 1 << 30 });
  const problem = (k: string) => r[k] as { message: string; hint?: string };
  assert.match(problem('tiny').message, /disk .*tiny\/disk\.qcow2 does not exist/);
  assert.equal(problem('tiny').hint, 'build it with `vlab image build tiny`');
  assert.match(problem('typo').message, /unknown key 'netconf'/);
  assert.match(problem('typo').hint ?? '', /did you mean 'netconfig'/);
  assert.match(problem('raw').message, /is raw, not qcow2/);
  assert.match(problem('raw').hint ?? '', /^convert it: qemu-img convert -O qcow2 /);
  assert.match(problem('empty').message, /no image.yaml/);
  assert.match(problem('img').message, /neither a folder with image.yaml nor a .qcow2 file/);
  assert.match(problem('img').hint ?? '', /qemu-img convert -O qcow2/);
  assert.match(problem('gone').message, /does not exist/);
});
