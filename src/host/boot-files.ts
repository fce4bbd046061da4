/**
 * `boot: kernel`: the kernel and initrd an image's /boot holds, copied out once per image identity
 * into vlab's cache folder (`CACHE/boot/KEY/`), where libvirt boots them from. The copy is made in
 * a temporary folder and renamed into place, so a killed copy never leaves half a kernel; a
 * changed image gets a new key, and `vlab cache clear` removes them all.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ImageInspection } from './disks/types.js';
import type { ImageKernel } from '../plan/image-facts.js';
import type { ImageCache } from './image-cache.js';
import type { Host } from './index.js';

/** The kernel files of `image` in the cache, copied out of the image first when they are not there yet. */
export async function ensureImageKernel(
  image: { disk: string; format: string },
  inspection: ImageInspection,
  host: Pick<Host, 'inspector'>,
  cache: Pick<ImageCache, 'bootDir'>,
): Promise<ImageKernel | { error: string }> {
  const boot = inspection.boot;
  if (!boot) return { error: 'no /boot/vmlinuz-* in the image' };
  if (inspection.route.kind !== 'direct') return { error: `its kernel is read only from a plain ext2/3/4 root, and ${inspection.route.reason}` };
  const dir = cache.bootDir(inspection.identity);
  const kernel = path.join(dir, path.basename(boot.kernel));
  const initrd = boot.initrd ? path.join(dir, path.basename(boot.initrd)) : undefined;
  // The ELF kernel unpacked from the bzImage, when there is one: qemu boots it without the
  // guest's own decompression (seconds under TCG).
  const vmlinux = path.join(dir, path.basename(boot.kernel).replace(/^vmlinuz/, 'vmlinux'));
  const result = (unpacked: boolean): ImageKernel => ({
    kernel: unpacked ? vmlinux : kernel,
    ...(initrd ? { initrd } : {}),
    cmdline: boot.cmdline,
    from: boot,
    ...(unpacked ? { uncompressed: true } : {}),
  });
  if (fs.existsSync(kernel) && (!initrd || fs.existsSync(initrd))) return result(vmlinux !== kernel && fs.existsSync(vmlinux));
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true, mode: 0o755 });
    const files = [
      { guest: boot.kernel, host: path.join(tmp, path.basename(kernel)) },
      ...(boot.initrd && initrd ? [{ guest: boot.initrd, host: path.join(tmp, path.basename(initrd)) }] : []),
    ];
    await host.inspector.copyOut(image, inspection.route, files);
    const tmpVmlinux = path.join(tmp, path.basename(vmlinux));
    const unpacked = vmlinux !== kernel && (await host.inspector.uncompressKernel(files[0]!.host, tmpVmlinux).catch(() => false));
    for (const f of [...files.map((x) => x.host), ...(unpacked ? [tmpVmlinux] : [])]) fs.chmodSync(f, 0o644);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    return result(unpacked);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return { error: `its kernel could not be copied to ${dir}: ${(e as Error).message.split('\n')[0]}` };
  }
}
