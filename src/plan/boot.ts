/**
 * How each guest boots, decided once for the host facts and the planner alike: an image.yaml
 * `kernel:` always wins; otherwise the guest's `boot:`, else the image's `boot:`, else firmware
 * (the disk's own bootloader). Pure.
 */
import type { BootMode, ImageInfo, LabGuest } from '../spec/types.js';
import type { ImageKernel } from './image-facts.js';

/** `image-kernel`: image.yaml names the kernel; `kernel`: read out of the image's /boot; `firmware`: its bootloader. */
export function bootMode(guest: Pick<LabGuest, 'boot'>, image: Pick<ImageInfo, 'kernel' | 'boot'>): 'image-kernel' | BootMode {
  if (image.kernel) return 'image-kernel';
  return guest.boot ?? image.boot ?? 'firmware';
}

/** The serial console vlab's console log reads, added to a command line that has none. */
export function withSerialConsole(cmdline: string): string {
  return /(^|\s)console=ttyS0\b/.test(cmdline) ? cmdline : `${cmdline} console=ttyS0`.trim();
}

/** The image as the domain boots it: for `boot: kernel`, the kernel files vlab copied out of it. */
export function bootImage(image: ImageInfo, kernel: ImageKernel): ImageInfo {
  return { ...image, kernel: kernel.kernel, ...(kernel.initrd ? { initrd: kernel.initrd } : {}), cmdline: withSerialConsole(kernel.cmdline) };
}
