/** `boot: kernel`: who decides how a guest boots, and what the plan does with a kernel read out of the image. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bootMode, withSerialConsole } from '../../src/plan/boot.js';
import { planLab } from '../../src/plan/planner.js';
import type { HostFacts } from '../../src/plan/facts.js';
import { parseLab } from '../../src/spec/load.js';
import type { ImageInfo } from '../../src/spec/types.js';
import { plainHost } from '../fixtures/plan/common.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');

test('bootMode: an image.yaml kernel wins, then the guest, then the image, then firmware', () => {
  assert.equal(bootMode({ boot: 'firmware' }, { kernel: '/k' }), 'image-kernel');
  assert.equal(bootMode({ boot: 'kernel' }, { boot: 'firmware' }), 'kernel');
  assert.equal(bootMode({}, { boot: 'kernel' }), 'kernel');
  assert.equal(bootMode({ boot: 'firmware' }, { boot: 'kernel' }), 'firmware');
  assert.equal(bootMode({}, {}), 'firmware');
});

test('withSerialConsole adds console=ttyS0 only when it is missing', () => {
  assert.equal(withSerialConsole('root=UUID=abc ro quiet'), 'root=UUID=abc ro quiet console=ttyS0');
  assert.equal(withSerialConsole('root=/dev/vda1 console=ttyS0,115200'), 'root=/dev/vda1 console=ttyS0,115200');
  assert.equal(withSerialConsole(''), 'console=ttyS0');
});

const bare: ImageInfo = { name: 'deb', disk: '/img/deb.qcow2', format: 'qcow2', virtualSize: 2 << 30 };
const LAB = (boot: string) => `name: kb
networks:
  lan: { cidr: 10.9.0.0/24 }
images:
  deb: /img/deb.qcow2
guests:
  a:
    image: deb
    netconfig: ifupdown${boot}
    interfaces: [{ network: lan, address: 10.9.0.10 }]
`;

function host(kernels: HostFacts['imageKernels']): HostFacts {
  const h = plainHost(template, 'kb');
  h.images = { deb: bare };
  h.imageFacts = { deb: { identity: { path: bare.disk, size: 1, mtimeMs: 0, ino: 2 }, route: { kind: 'direct', fs: 'ext4', partition: 1, offsetBytes: 1 << 20 } } };
  if (kernels) h.imageKernels = kernels;
  return h;
}

const KERNEL = {
  kernel: '/var/cache/vlab/boot/k1/vmlinuz-6.1.0-28-amd64',
  initrd: '/var/cache/vlab/boot/k1/initrd.img-6.1.0-28-amd64',
  cmdline: 'root=UUID=1b2c ro quiet',
  from: { kernel: '/boot/vmlinuz-6.1.0-28-amd64', initrd: '/boot/initrd.img-6.1.0-28-amd64', cmdline: 'root=UUID=1b2c ro quiet', source: 'grub.cfg default entry' },
};

test('boot: kernel puts the copied kernel, initrd and command line (with the serial console) in the domain XML, and the plan says so', async () => {
  const plan = await planLab(parseLab(LAB('\n    boot: kernel'), '/labs/kb.yaml'), host({ deb: KERNEL }));
  assert.deepEqual(plan.conflicts, []);
  const define = plan.actions.find((a) => a.kind === 'domain.define')!;
  assert.match(
    define.description,
    /direct kernel boot of the image's \/boot\/vmlinuz-6\.1\.0-28-amd64 and \/boot\/initrd\.img-6\.1\.0-28-amd64 \(command line from grub\.cfg default entry\)/,
  );
  const xml = define.details.kind === 'domain.define' ? define.details.xml : '';
  assert.match(xml, /<kernel>\/var\/cache\/vlab\/boot\/k1\/vmlinuz-6\.1\.0-28-amd64<\/kernel>/);
  assert.match(xml, /<initrd>\/var\/cache\/vlab\/boot\/k1\/initrd\.img-6\.1\.0-28-amd64<\/initrd>/);
  assert.match(xml, /<cmdline>root=UUID=1b2c ro quiet console=ttyS0<\/cmdline>/);
  assert.doesNotMatch(xml, /<boot dev=/);
});

test('without boot: kernel the same image boots its own bootloader', async () => {
  const plan = await planLab(parseLab(LAB(''), '/labs/kb.yaml'), host({ deb: KERNEL }));
  const define = plan.actions.find((a) => a.kind === 'domain.define')!;
  const xml = define.details.kind === 'domain.define' ? define.details.xml : '';
  assert.match(xml, /<boot dev="hd"\/>/);
  assert.doesNotMatch(xml, /<kernel>/);
  assert.doesNotMatch(define.description, /kernel boot/);
});

test('boot: kernel on an image without a usable kernel is a conflict that names the image and the fix', async () => {
  const plan = await planLab(parseLab(LAB('\n    boot: kernel'), '/labs/kb.yaml'), host({ deb: { error: 'no /boot/vmlinuz-* in the image' } }));
  const c = plan.conflicts.find((x) => x.kind === 'boot-kernel-missing');
  assert.ok(c, JSON.stringify(plan.conflicts));
  assert.match(c.message, /guest 'a': boot: kernel, but no kernel can be taken from image 'deb' \(no \/boot\/vmlinuz-\* in the image\)/);
  assert.match(c.hint ?? '', /boot: firmware on guests\.a/);
});
