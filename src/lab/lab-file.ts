/** The lab as the core works on it: read and validated from its file, or as recorded in its state. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, ValidationError, type Problem } from '../errors.js';
import { analyseLab, parseLab, locateProblems } from '../spec/load.js';
import { UNSET } from '../spec/semantic.js';
import { placeOnRemote } from '../spec/hosts.js';
import { templateProblem } from '../render/domain-xml.js';
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

/** The text of a lab file; a UsageError saying what to do when it is missing, a folder or unreadable. */
export function readLabFile(file: string): { abs: string; text: string } {
  const abs = path.resolve(file);
  try {
    return { abs, text: fs.readFileSync(abs, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new UsageError(`lab file ${abs} does not exist`, 'create one with `vlab init`, name it with -f PATH, or name an up lab with --lab NAME (`vlab ls`)');
    if (code === 'EISDIR') throw new UsageError(`${abs} is a folder, not a lab file`, 'name the YAML file itself with -f PATH');
    throw new UsageError(`cannot read lab file ${abs}: ${(e as Error).message}`, 'check the path and its permissions, or name another file with -f PATH');
  }
}

/** The `name:` of a lab file (read cheaply; the full validation report when it has none that can be read). */
export function labNameOfFile(file: string): string {
  const { abs, text } = readLabFile(file);
  const m = /^name:\s*["']?([a-z][a-z0-9-]{0,15})["']?\s*(#.*)?$/m.exec(text);
  if (m) return m[1]!;
  return parseLab(text, abs).name;
}

/** Reads and validates a lab file (a ValidationError with every problem when it is invalid). */
export function loadLabFile(file: string): LoadedLab {
  const { abs, text } = readLabFile(file);
  const a = analyseLab(text, abs);
  if (a.problems.length || !a.lab) throw new ValidationError(a.problems);
  return { lab: a.lab, text, file: abs, declaredImages: a.declaredImages };
}

/**
 * `validate` (and the first step of plan and up): the lab file, its images and its domain
 * templates in one pass; a ValidationError with every problem of all three, in file order.
 * Reads the files and runs `qemu-img info` (read-only); changes nothing.
 */
export async function checkLabFile(file: string, host: Host): Promise<{ loaded: LoadedLab; images: Record<string, ImageInfo> }> {
  const { abs, text } = readLabFile(file);
  const a = analyseLab(text, abs);
  const problems: Problem[] = [...a.problems];
  let images: Record<string, ImageInfo> = {};
  if (a.partial) {
    const lab = a.partial;
    const found = await resolveImages({ ...lab, images: lab.images.filter((i) => i.name !== UNSET) }, host.qemuImg);
    const raw = imageProblems(found, lab, a.declaredImages);
    raw.push(...(await templateProblems(lab)));
    problems.push(...a.locate(raw));
    images = Object.fromEntries(Object.entries(found).filter((e): e is [string, ImageInfo] => !isImageProblem(e[1])));
  }
  if (problems.length || !a.lab) throw new ValidationError(problems.sort((x, y) => (x.line ?? 0) - (y.line ?? 0) || (x.column ?? 0) - (y.column ?? 0)));
  return { loaded: { lab: onConnectHost(a.lab, host), text, file: abs, declaredImages: a.declaredImages }, images };
}

/** `-c URI` naming another host: the lab placed there (never mixed with `hosts:`). */
function onConnectHost(lab: Lab, host: Host): Lab {
  if (!host.connectUri) return lab;
  if (lab.hosts)
    throw new UsageError(
      `-c ${host.connectUri} and the lab file's hosts: cannot be used together (lab '${lab.name}')`,
      'drop -c (hosts: names every host), or remove hosts: to put the whole lab on that one host',
    );
  const placed = placeOnRemote(lab, host.connectUri);
  if (!placed) throw new UsageError(`-c ${host.connectUri} names another host but is not a qemu+ssh:// URI`, 'use qemu+ssh://root@HOST/system');
  return placed;
}

/** Each guest's own template: read, parsed, a <domain>; problems at its `template:`. */
async function templateProblems(lab: Lab): Promise<RawProblem[]> {
  const out: RawProblem[] = [];
  for (const g of lab.guests) {
    if (!g.template) continue;
    const at = ['guests', g.name, 'template'];
    let text: string;
    try {
      text = fs.readFileSync(g.template, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.push(
        code === 'ENOENT'
          ? { path: at, message: `template ${g.template} does not exist`, hint: 'check the path (relative to the lab file), or copy templates/domain.xml there as a start' }
          : { path: at, message: `cannot read template ${g.template}: ${code ?? (e as Error).message}`, hint: 'check the file and its permissions' },
      );
      continue;
    }
    const problem = await templateProblem(text);
    if (problem) out.push({ path: at, message: `template ${path.basename(g.template)} ${problem}`, hint: 'fix the template, or start again from a copy of templates/domain.xml' });
  }
  return out;
}

/** Image problems, at the image's key under images: or at the image: of the guest that names its path. */
function imageProblems(images: Record<string, ImageInfo | ImageProblem>, lab: Lab, declared: string[]): RawProblem[] {
  const raw: RawProblem[] = [];
  for (const [name, info] of Object.entries(images)) {
    if (!isImageProblem(info)) continue;
    const user = lab.guests.find((g) => g.image === name);
    const at = declared.includes(name) ? ['images', name] : ['guests', user?.name ?? '', 'image'];
    raw.push({ path: at, message: `image '${name}': ${info.message}`, ...(info.hint ? { hint: info.hint } : {}) });
  }
  return raw;
}

/** The lab as recorded in its state (`restore`: the lab file may have changed or be gone). */
export function recordedLab(state: LabState): LoadedLab {
  return { lab: state.spec, text: '', file: state.labFile, declaredImages: state.spec.images.map((i) => i.name) };
}

/** Resolves images and turns image problems into validation problems located in the lab file. */
export async function resolveLabImages(loaded: LoadedLab, host: Host): Promise<Record<string, ImageInfo | ImageProblem>> {
  const images = await resolveImages(loaded.lab, host.qemuImg);
  const raw = imageProblems(images, loaded.lab, loaded.declaredImages);
  if (raw.length) throw new ValidationError(locateProblems(loaded.text, loaded.file, raw));
  return images;
}

/** The guest names a lab file defines, as far as it can be read (for shell completion: never throws). */
export function guestNamesOfFile(file: string): string[] {
  try {
    const { abs, text } = readLabFile(file);
    return analyseLab(text, abs).partial?.guests.map((g) => g.name) ?? [];
  } catch {
    return [];
  }
}
