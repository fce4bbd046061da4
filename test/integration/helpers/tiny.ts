/**
 * Test-only helpers for booting the tiny guest image (vm-images/tiny): build it (cached), stage
 * it into a test folder, make qcow2 overlays, write files into them with ONE libguestfs launch,
 * and render a minimal domain XML (direct kernel boot, TCG).
 */
import { mkdir, mkdtemp, chmod, copyFile, writeFile, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { REPO } from './env.js';

export const TINY_DIR = path.join(REPO, 'vm-images', 'tiny');

export interface TinyImage {
  disk: string;
  kernel: string;
  initrd: string;
  cmdline: string;
}

/** Runs vm-images/tiny/build.sh (a no-op when up to date) and returns image.yaml's files. */
export async function ensureTinyImage(): Promise<TinyImage> {
  await execa('bash', [path.join(TINY_DIR, 'build.sh')], { timeout: 300_000 });
  const meta = parseYaml(await readFile(path.join(TINY_DIR, 'image.yaml'), 'utf8')) as Record<string, string>;
  const at = (k: string) => path.join(TINY_DIR, String(meta[k]));
  return { disk: at('disk'), kernel: at('kernel'), initrd: at('initrd'), cmdline: String(meta.cmdline) };
}

/**
 * A fresh folder under VLAB_STATE_DIR (default /var/lib/vlab): mode 0755, so that qemu, running
 * as libvirt-qemu, can reach the files in it.
 */
export async function makeTestDir(prefix = 'test-'): Promise<string> {
  const state = process.env.VLAB_STATE_DIR ?? '/var/lib/vlab';
  await mkdir(state, { recursive: true, mode: 0o755 });
  await chmod(state, 0o755);
  const dir = await mkdtemp(path.join(state, prefix));
  await chmod(dir, 0o755);
  return dir;
}

/**
 * Copies the image's disk, kernel and initrd into dir. libvirt chowns every file a domain uses
 * (backing files included) to libvirt-qemu and does not give base images back: copies keep the
 * files in the repository untouched.
 */
export async function stageTinyImage(img: TinyImage, dir: string): Promise<TinyImage> {
  const staged = {
    disk: path.join(dir, 'base.qcow2'),
    kernel: path.join(dir, 'kernel'),
    initrd: path.join(dir, 'initrd.img'),
    cmdline: img.cmdline,
  };
  await copyFile(img.disk, staged.disk);
  await copyFile(img.kernel, staged.kernel);
  await copyFile(img.initrd, staged.initrd);
  return staged;
}

/** `qemu-img create -f qcow2 -F qcow2 -b BASE OVERLAY`; returns OVERLAY. */
export async function makeOverlay(base: string, overlay: string): Promise<string> {
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, overlay]);
  return overlay;
}

/** Environment for libguestfs: direct backend, TCG where KVM is a PVM hypervisor (see HOST-FACTS). */
export function guestfsEnv(): Record<string, string> {
  const env: Record<string, string> = { LIBGUESTFS_BACKEND: 'direct' };
  if (existsSync('/sys/module/kvm_pvm') || !existsSync('/dev/kvm')) env.LIBGUESTFS_BACKEND_SETTINGS = 'force_tcg';
  return env;
}

export interface DiskFiles {
  /** A qcow2 holding a bare ext4 filesystem (no partition table), like the tiny image. */
  disk: string;
  /** Guest path -> content. */
  files: Record<string, string>;
}

/** Writes files into several disks with ONE guestfish (appliance) launch. */
export async function injectFiles(disks: DiskFiles[], workDir: string): Promise<void> {
  if (!disks.length) return;
  const stage = await mkdtemp(path.join(workDir, 'inject-'));
  const script: string[] = ['run'];
  const args = ['--rw'];
  let n = 0;
  for (const [i, d] of disks.entries()) {
    args.push('-a', d.disk);
    const dev = `/dev/sd${String.fromCharCode(97 + i)}`;
    script.push(`mount ${dev} /`);
    for (const [guestPath, content] of Object.entries(d.files)) {
      const local = path.join(stage, `f${n++}`);
      await writeFile(local, content);
      script.push(`mkdir-p "${path.posix.dirname(guestPath)}"`, `upload ${local} "${guestPath}"`, `chmod 0644 "${guestPath}"`);
    }
    script.push('umount /');
  }
  try {
    await execa('guestfish', args, {
      input: script.join('\n') + '\n',
      env: guestfsEnv(),
      timeout: 300_000,
    });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

export interface TinyDomain {
  name: string;
  image: TinyImage;
  /** The guest's own disk (an overlay). */
  disk: string;
  memoryMiB?: number;
  nics: { mac: string; bridge: string }[];
  /** File receiving the serial console (ttyS0). */
  consoleLog: string;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

/** A minimal TCG domain: direct kernel boot, virtio disk and NICs, agent channel, serial to a file. */
export function tinyDomainXml(d: TinyDomain): string {
  const e = xmlEscape;
  const nics = d.nics
    .map(
      (n) => `    <interface type='bridge'>
      <mac address='${e(n.mac)}'/>
      <source bridge='${e(n.bridge)}'/>
      <model type='virtio'/>
    </interface>`,
    )
    .join('\n');
  return `<domain type='qemu'>
  <name>${e(d.name)}</name>
  <memory unit='MiB'>${d.memoryMiB ?? 160}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${e(d.image.kernel)}</kernel>
    <initrd>${e(d.image.initrd)}</initrd>
    <cmdline>${e(d.image.cmdline)}</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${e(d.disk)}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
${nics}
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <serial type='file'>
      <source path='${e(d.consoleLog)}'/>
      <target port='0'/>
    </serial>
    <console type='file'>
      <source path='${e(d.consoleLog)}'/>
      <target type='serial' port='0'/>
    </console>
  </devices>
</domain>
`;
}

/** Defines the domain from tinyDomainXml (XML kept next to the disk) and returns its name. */
export async function defineTinyDomain(d: TinyDomain, virsh: (args: string[]) => Promise<string>): Promise<string> {
  const xmlPath = path.join(path.dirname(d.disk), `${d.name}.xml`);
  await writeFile(xmlPath, tinyDomainXml(d));
  await virsh(['define', xmlPath]);
  return d.name;
}
