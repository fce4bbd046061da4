/** `cache ls` and `cache clear`: the image facts vlab keeps, one entry per image identity. */
import { ImageCache, cacheRoot } from '../host/image-cache.js';
import type { ImageInspection } from '../host/disks/types.js';

export interface CacheListing {
  root: string;
  entries: ImageInspection[];
}

/** Every cached entry, and the folder they live in. */
export function labCacheList(): CacheListing {
  return { root: cacheRoot(), entries: new ImageCache().list() };
}

/** Removes every cached entry; returns how many there were and where. */
export function labCacheClear(): { root: string; cleared: number } {
  return { root: cacheRoot(), cleared: new ImageCache().clear() };
}

/** Where the cache lives (for help texts). */
export { cacheRoot };
