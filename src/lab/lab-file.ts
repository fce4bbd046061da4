/** The lab as the core works on it: read and validated from its file, or as recorded in its state. */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError, ValidationError } from '../errors.js';
import { parseLab, locateProblems } from '../spec/load.js';
import type { ImageInfo, Lab } from '../spec/types.js';
import type { Host } from '../host/index.js';
import { resolveImages } from '../host/image-resolver.js';
import { isImageProblem, type ImageProblem } from '../plan/facts.js';
import type { RawProblem } from '../spec/zod-problems.js';
import type { LabState } from '../state/store.js';

export interface LoadedLab {
  lab: Lab;
  /** The file's text ('' for a lab as recorded in its state). */
  text: string;
  file: string;
  /** Image names declared under images: (the others are paths written on guests). */
  declaredImages: string[];
}

/** Reads and validates a lab file (a ValidationError with every problem when it is invalid). */
export function loadLabFile(file: string): LoadedLab {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `lab file ${abs} does not exist` : `cannot read lab file ${abs}: ${(e as Error).message}`,
      code === 'ENOENT' ? 'create one with `vlab init`, or name it with -f PATH' : 'check the path and its permissions, or name another file with -f PATH',
    );
  }
  const lab = parseLab(text, abs);
  const declared = (parseYaml(text) as { images?: Record<string, unknown> } | null)?.images ?? {};
  return { lab, text, file: abs, declaredImages: Object.keys(declared) };
}

/** The lab as recorded in its state (`restore`: the lab file may have changed or be gone). */
export function recordedLab(state: LabState): LoadedLab {
  return { lab: state.spec, text: '', file: state.labFile, declaredImages: state.spec.images.map((i) => i.name) };
}

/** Resolves images and turns image problems into validation problems located in the lab file. */
export async function resolveLabImages(loaded: LoadedLab, host: Host): Promise<Record<string, ImageInfo | ImageProblem>> {
  const images = await resolveImages(loaded.lab, host.qemuImg);
  const raw: RawProblem[] = [];
  for (const [name, info] of Object.entries(images)) {
    if (!isImageProblem(info)) continue;
    // A key of images: points at its entry; a path written on a guest points at that guest's image:.
    const user = loaded.lab.guests.find((g) => g.image === name);
    const at = loaded.declaredImages.includes(name) ? ['images', name] : ['guests', user?.name ?? '', 'image'];
    raw.push({ path: at, message: `image '${name}': ${info.message}`, ...(info.hint ? { hint: info.hint } : {}) });
  }
  if (raw.length) throw new ValidationError(locateProblems(loaded.text, loaded.file, raw));
  return images;
}
