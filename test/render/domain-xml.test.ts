import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { domainName, renderDomainXml, type DomainInput } from '../../src/render/domain-xml.js';
import { ownerFromXml } from '../../src/render/metadata.js';
import { attr, child, children, parseXml, text, type XmlNode } from '../../src/render/xml.js';
import { diskImage, guestOf, multiLab, seedLab, tinyImage } from '../fixtures/render/seed-lab.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');

function input(over: Partial<DomainInput> = {}): DomainInput {
  return {
    lab: seedLab,
    guest: guestOf(seedLab, 'web'),
    image: tinyImage,
    domainType: 'qemu',
    overlayPath: '/state/web.qcow2',
    configuredPath: '/state/web.configured.qcow2',
    consoleLogPath: '/state/web.log',
    template,
    ...over,
  };
}

async function render(over: Partial<DomainInput> = {}): Promise<XmlNode> {
  const { name, root } = await parseXml(await renderDomainXml(input(over)));
  assert.equal(name, 'domain');
  return root;
}

const devices = (root: XmlNode) => child(root, 'devices') ?? {};

test('domainName is vlab-<lab>-<guest>', () => {
  assert.equal(domainName(seedLab, guestOf(seedLab, 'web')), 'vlab-seed-web');
  assert.equal(domainName('seed', 'db'), 'vlab-seed-db');
});

test('name, memory (MiB), vcpus, owner tag; uuid dropped', async () => {
  const t = template.replace('<name>', '<uuid>6b1e0ab8-0000-4000-8000-000000000000</uuid><currentMemory>1</currentMemory><name>');
  const root = await render({ template: t, guest: { ...guestOf(seedLab, 'web'), memory: 768, vcpus: 3 } });
  assert.equal(text(child(root, 'name')), 'vlab-seed-web');
  assert.deepEqual(child(root, 'memory'), { $: { unit: 'MiB' }, _: '768' });
  assert.equal(text(child(root, 'vcpu')), '3');
  assert.equal(child(root, 'uuid'), undefined);
  assert.equal(child(root, 'currentMemory'), undefined);
  assert.equal(await ownerFromXml(await renderDomainXml(input())), 'seed');
});

test('cmdline and paths with <&\'" stay well-formed and round-trip exactly', async () => {
  const nasty = `console=ttyS0 x="<a&b>" y='1' </cmdline><evil/>`;
  const root = await render({
    image: { ...tinyImage, cmdline: nasty },
    overlayPath: `/st&te/<w>'"eb.qcow2`,
  });
  assert.equal(text(child(child(root, 'os')!, 'cmdline')), nasty);
  assert.equal(attr(child(child(devices(root), 'disk')!, 'source'), 'file'), `/st&te/<w>'"eb.qcow2`);
  assert.equal(child(child(root, 'os')!, 'evil'), undefined);
});

test('kvm adds host-passthrough; qemu (TCG) has no host CPU', async () => {
  const kvm = await render({ domainType: 'kvm' });
  assert.equal(attr(kvm, 'type'), 'kvm');
  assert.deepEqual(child(kvm, 'cpu')?.$, { mode: 'host-passthrough' });
  const tcg = await render({ domainType: 'qemu', template: template.replace('<clock', "<cpu mode='host-passthrough'/><clock") });
  assert.equal(attr(tcg, 'type'), 'qemu');
  assert.equal(child(tcg, 'cpu'), undefined);
});

test('a CPU the template chooses is kept (custom model under qemu, anything under kvm)', async () => {
  const custom = template.replace('<clock', "<cpu mode='custom'><model>qemu64</model></cpu><clock");
  assert.equal(attr(child(await render({ template: custom }), 'cpu'), 'mode'), 'custom');
  assert.equal(attr(child(await render({ template: custom, domainType: 'kvm' }), 'cpu'), 'mode'), 'custom');
});

test('direct kernel boot vs disk boot', async () => {
  const direct = child(await render(), 'os')!;
  assert.equal(text(child(direct, 'kernel')), '/images/tiny/vmlinuz');
  assert.equal(text(child(direct, 'initrd')), '/images/tiny/initrd.img');
  assert.equal(text(child(direct, 'cmdline')), 'console=ttyS0 quiet');
  assert.equal(child(direct, 'boot'), undefined);
  const disk = child(await render({ image: diskImage, template: template.replace('</os>', '<kernel>/old</kernel></os>') }), 'os')!;
  assert.deepEqual(child(disk, 'boot')?.$, { dev: 'hd' });
  assert.equal(child(disk, 'kernel'), undefined);
  assert.deepEqual(child(disk, 'type'), { $: { arch: 'x86_64', machine: 'pc' }, _: 'hvm' });
});

test('root disk, interfaces in order, agent channel, serial console mirrored', async () => {
  const edge = guestOf(multiLab, 'edge');
  const d = devices(await render({ lab: multiLab, guest: edge }));
  const [disk, ...moreDisks] = children(d, 'disk');
  assert.equal(moreDisks.length, 0, 'no cdrom without a seed ISO');
  assert.deepEqual(child(disk!, 'driver')?.$, { name: 'qemu', type: 'qcow2' });
  assert.deepEqual(child(disk!, 'target')?.$, { dev: 'vda', bus: 'virtio' });
  const nics = children(d, 'interface');
  assert.deepEqual(
    nics.map((n) => [attr(n, 'type'), attr(child(n, 'mac'), 'address'), attr(child(n, 'source'), 'network'), attr(child(n, 'model'), 'type')]),
    [
      ['network', '52:54:00:aa:00:01', 'vlab-multi-lan', 'virtio'],
      ['network', '52:54:00:aa:00:02', 'vlab-multi-uplink', 'virtio'],
    ],
  );
  const [channel] = children(d, 'channel');
  assert.deepEqual(child(channel!, 'target')?.$, { type: 'virtio', name: 'org.qemu.guest_agent.0' });
  const [serial] = children(d, 'serial');
  const [console] = children(d, 'console');
  assert.equal(attr(serial, 'type'), 'file');
  assert.equal(attr(console, 'type'), 'file');
  assert.equal(attr(child(serial!, 'source'), 'path'), '/state/web.log');
  assert.equal(attr(child(console!, 'source'), 'path'), '/state/web.log');
  assert.deepEqual(child(console!, 'target')?.$, { type: 'serial', port: '0' });
});

test('seed ISO: read-only cdrom on IDE for pc, SATA for q35', async () => {
  const cdromOf = (root: XmlNode) => children(devices(root), 'disk').find((x) => attr(x, 'device') === 'cdrom');
  const pc = cdromOf(await render({ seedIsoPath: '/state/seed.iso' }))!;
  assert.equal(attr(child(pc, 'source'), 'file'), '/state/seed.iso');
  assert.deepEqual(child(pc, 'target')?.$, { dev: 'hdc', bus: 'ide' });
  assert.ok(child(pc, 'readonly'));
  const q35 = cdromOf(await render({ seedIsoPath: '/s.iso', template: template.replace("machine='pc'", "machine='pc-q35-8.2'") }))!;
  assert.deepEqual(child(q35, 'target')?.$, { dev: 'sda', bus: 'sata' });
});

test('template: extra devices and settings kept, managed devices replaced', async () => {
  const custom = `<domain type='kvm'>
    <name>mine</name>
    <metadata><app:x xmlns:app="urn:app"/></metadata>
    <os><type machine='pc'>hvm</type><bootmenu enable='no'/></os>
    <devices>
      <disk type='file' device='disk'><source file='/old/root.qcow2'/><target dev='vda' bus='virtio'/></disk>
      <disk type='file' device='disk'><source file='/data.qcow2'/><target dev='vdb' bus='virtio'/></disk>
      <interface type='user'><model type='e1000'/></interface>
      <serial type='pty'><target port='0'/></serial>
      <serial type='pty'><target port='1'/></serial>
      <console type='pty'><target type='serial' port='0'/></console>
      <console type='pty'><target type='virtio' port='1'/></console>
      <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/><source mode='bind' path='/old.sock'/></channel>
      <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>
      <watchdog model='i6300esb' action='reset'/>
    </devices>
  </domain>`;
  const root = await render({ template: custom });
  assert.equal(attr(root, 'type'), 'qemu');
  assert.equal(text(child(root, 'name')), 'vlab-seed-web');
  assert.ok(child(child(root, 'metadata')!, 'app:x'), 'other metadata kept');
  assert.ok(child(child(root, 'os')!, 'bootmenu'), 'other os settings kept');
  const d = devices(root);
  assert.deepEqual(
    children(d, 'disk').map((x) => attr(child(x, 'source'), 'file')),
    ['/state/web.qcow2', '/data.qcow2'],
  );
  assert.deepEqual(
    children(d, 'interface').map((x) => attr(x, 'type')),
    ['network'],
  );
  assert.deepEqual(
    children(d, 'serial').map((x) => [attr(x, 'type'), attr(child(x, 'target'), 'port')]),
    [
      ['file', '0'],
      ['pty', '1'],
    ],
  );
  assert.deepEqual(
    children(d, 'console').map((x) => [attr(x, 'type'), attr(child(x, 'target'), 'type')]),
    [
      ['file', 'serial'],
      ['pty', 'virtio'],
    ],
  );
  const channels = children(d, 'channel');
  assert.deepEqual(
    channels.map((x) => attr(child(x, 'target'), 'name')),
    ['org.qemu.guest_agent.0', 'com.redhat.spice.0'],
  );
  assert.equal(child(channels[0]!, 'source'), undefined, "agent channel is vlab's, old source dropped");
  assert.ok(child(d, 'watchdog'), 'extra device kept');
});

test('template errors are UsageErrors naming the template', async () => {
  const guest = { ...guestOf(seedLab, 'web'), template: '/labs/seed/my.xml' };
  await assert.rejects(renderDomainXml(input({ guest, template: '<domain><name>' })), (e) => e instanceof UsageError && /\/labs\/seed\/my\.xml is not well-formed/.test(e.message));
  await assert.rejects(renderDomainXml(input({ guest, template: '<network/>' })), (e) => e instanceof UsageError && /not a libvirt domain XML/.test(e.message));
});
