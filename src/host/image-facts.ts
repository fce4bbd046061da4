/**
 * Image facts for the planner: each base image whose overlays get files is inspected read-only
 * once per identity (cached in ImageCache), so `plan` shows the stack and the exact files and
 * `up` writes what `plan` showed. VLAB_GUEST_DISKS=libguestfs forces the appliance route here,
 * where the environment is read; the planner never reads it.
 */
import { bootMode } from '../plan/boot.js';
import type { HostFacts } from '../plan/facts.js';
import { isImageProblem } from '../plan/facts.js';
import type { ImageInfo } from '../spec/types.js';
import { ensureImageKernel } from './boot-files.js';
import type { Lab } from '../spec/types.js';
import type { Host } from './index.js';
import { imageIdentity } from './disks/inspect.js';
import type { ImageInspection } from './disks/types.js';
import { ImageCache } from './image-cache.js';

/** Images some guest boots with `boot: kernel` (a kernel read out of the image), by name. */
export function kernelBootImages(lab: Lab, images: HostFacts['images']): Set<string> {
  return new Set(
    lab.guests
      .filter((g) => {
        const img = images[g.image];
        return !!img && !isImageProblem(img) && bootMode(g, img) === 'kernel';
      })
      .map((g) => g.image),
  );
}

/** Inspections by image name, for the images of guests whose disks vlab writes or whose kernel it reads. */
export async function gatherImageFacts(
  lab: Lab,
  images: HostFacts['images'],
  host: Pick<Host, 'inspector'>,
  cache = new ImageCache(),
  env = process.env,
): Promise<NonNullable<HostFacts['imageFacts']>> {
  const out: NonNullable<HostFacts['imageFacts']> = {};
  const wanted = new Set(
    lab.guests
      .filter((g) => {
        const img = images[g.image];
        const stack = g.netconfig !== 'auto' ? g.netconfig : img && !isImageProblem(img) ? img.netconfig : undefined;
        return stack !== 'cloud-init';
      })
      .map((g) => g.image),
  );
  for (const name of kernelBootImages(lab, images)) wanted.add(name);
  await Promise.all(
    [...wanted].map(async (name) => {
      const img = images[name];
      if (!img || isImageProblem(img)) return;
      try {
        const id = imageIdentity(img.disk);
        let v: ImageInspection | undefined = cache.get(id);
        if (!v) {
          v = await host.inspector.inspect({ disk: img.disk, format: img.format });
          cache.put(v);
        }
        out[name] = env.VLAB_GUEST_DISKS === 'libguestfs' ? { ...v, route: { kind: 'libguestfs', reason: 'forced by VLAB_GUEST_DISKS=libguestfs' } } : v;
      } catch (e) {
        out[name] = { error: (e as Error).message.split('\n')[0]! };
      }
    }),
  );
  return out;
}

/** For `boot: kernel` guests: each image's kernel and initrd, copied into the cache folder once per image identity. */
export async function gatherImageKernels(
  lab: Lab,
  images: HostFacts['images'],
  inspections: NonNullable<HostFacts['imageFacts']>,
  host: Pick<Host, 'inspector'>,
  cache = new ImageCache(),
): Promise<NonNullable<HostFacts['imageKernels']>> {
  const out: NonNullable<HostFacts['imageKernels']> = {};
  await Promise.all(
    [...kernelBootImages(lab, images)].map(async (name) => {
      const img = images[name] as ImageInfo;
      const v = inspections[name];
      if (!v) return;
      if ('error' in v) out[name] = { error: `the image could not be read: ${v.error}` };
      else out[name] = await ensureImageKernel(img, v, host, cache);
    }),
  );
  return out;
}
