/**
 * Labs for tests against the fake Host: the seed lab, a bridged-uplink lab and a lab with a guest
 * of every network stack. Images are ImageInfo values over a real (empty) base file in the test's
 * temp folder; nothing reads a real image.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseLab } from '../../src/spec/load.js';
import type { ImageInfo, Lab } from '../../src/spec/types.js';

export const SEED_YAML = `name: seed
networks:
  isolation: { bridge: isolationbr, cidr: 172.16.0.0/16, gateway: 172.16.0.1, nat: true }
images:
  tiny: IMAGES/tiny
guests:
  web: { image: tiny, interfaces: [ { network: isolation, address: 172.16.0.2, mac: "52:54:00:12:34:56" } ] }
  db:  { image: tiny, interfaces: [ { network: isolation, address: 172.16.0.3 } ] }
`;

export const UPLINK_YAML = `name: lan
networks:
  lan: { bridge: br0, uplink: eth0, cidr: 10.0.2.0/24, gateway: 10.0.2.2 }
  inner: { bridge: vlinner, cidr: 172.20.0.0/24, gateway: 172.20.0.1, nat: true }
images:
  tiny: IMAGES/tiny
guests:
  fixed: { image: tiny, interfaces: [ { network: lan, address: 10.0.2.50 }, { network: inner, address: 172.20.0.2 } ] }
`;

export const STACKS_YAML = `name: stacks
networks:
  net: { bridge: vlstacks, cidr: 172.21.0.0/24, gateway: 172.21.0.1 }
images:
  tiny: IMAGES/tiny
guests:
  g-ifupdown: { image: tiny, netconfig: ifupdown, interfaces: [ { network: net, address: 172.21.0.11 } ] }
  g-netplan: { image: tiny, netconfig: netplan, interfaces: [ { network: net, address: 172.21.0.12 } ] }
  g-networkd: { image: tiny, netconfig: networkd, interfaces: [ { network: net, address: 172.21.0.13 } ] }
  g-nm: { image: tiny, netconfig: networkmanager, interfaces: [ { network: net, address: 172.21.0.14 } ] }
  g-ifcfg: { image: tiny, netconfig: ifcfg, exec: agent, interfaces: [ { network: net, address: 172.21.0.15 } ] }
  g-cloud: { image: tiny, netconfig: cloud-init, interfaces: [ { network: net, address: 172.21.0.16 } ] }
`;

/** The lab parsed from `yaml` with IMAGES pointing at `dir` (and written to dir/vlab.yaml), and its one image over a real empty base file. */
export function fakeLab(yaml: string, dir: string): { lab: Lab; images: Record<string, ImageInfo> } {
  const images = path.join(dir, 'images');
  fs.mkdirSync(path.join(images, 'tiny'), { recursive: true });
  const disk = path.join(images, 'tiny', 'disk.qcow2');
  fs.writeFileSync(disk, 'base\n');
  for (const f of ['vmlinux', 'initrd.img']) fs.writeFileSync(path.join(images, 'tiny', f), '');
  // The same image as an image folder, so the core's own image resolution finds exactly `tiny` below.
  fs.writeFileSync(
    path.join(images, 'tiny', 'image.yaml'),
    'disk: disk.qcow2\nkernel: vmlinux\ninitrd: initrd.img\ncmdline: console=ttyS0 root=/dev/vda rw\nnetconfig: ifupdown\n',
  );
  const file = path.join(dir, 'vlab.yaml');
  fs.writeFileSync(file, yaml.replaceAll('IMAGES', images));
  const lab = parseLab(fs.readFileSync(file, 'utf8'), file);
  const tiny: ImageInfo = {
    name: 'tiny',
    disk,
    format: 'qcow2',
    virtualSize: 64 << 20,
    kernel: path.join(images, 'tiny', 'vmlinux'),
    initrd: path.join(images, 'tiny', 'initrd.img'),
    cmdline: 'console=ttyS0 root=/dev/vda rw',
    netconfig: 'ifupdown',
  };
  return { lab, images: { tiny } };
}
