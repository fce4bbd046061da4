/**
 * `init`: writes a starter lab file from one of the templates (seed, two-nets, uplink), with the
 * yaml-language-server line that points editors at vlab's JSON Schema, and the image path
 * relative to the new file. Creates missing folders; refuses to overwrite without `force`.
 * Prints nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { NAME_PATTERN } from '../spec/schema.js';
import { labTemplate, LAB_TEMPLATES, type LabTemplate } from './lab-templates.js';

const TINY = fileURLToPath(new URL('../../vm-images/tiny', import.meta.url));
const SCHEMA = fileURLToPath(new URL('../../docs/lab-file.schema.json', import.meta.url));

export interface InitRequest {
  file: string;
  template: LabTemplate;
  /** The lab's name (default: the template's). */
  name?: string;
  force?: boolean;
}

export interface InitOutcome {
  file: string;
  template: LabTemplate;
  name: string;
  /** Folders that were made for the file. */
  created: string[];
}

/** The relative path from the file's folder to `target`, as a lab file writes it. */
function relativeTo(file: string, target: string): string {
  return path.relative(path.dirname(file), target) || '.';
}

export function labInit(req: InitRequest): InitOutcome {
  if (!LAB_TEMPLATES.includes(req.template)) throw new UsageError(`no lab template '${req.template}'`, `templates: ${LAB_TEMPLATES.join(', ')}`);
  if (req.name !== undefined && !NAME_PATTERN.test(req.name))
    throw new UsageError(`'${req.name}' is not a lab name`, 'use 1-16 characters: a lower-case letter, then lower-case letters, digits or -');
  const file = path.resolve(req.file);
  const created: string[] = [];
  for (let d = path.dirname(file); !fs.existsSync(d); d = path.dirname(d)) created.unshift(d);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new UsageError(`${file} is a folder`, 'name the lab file itself: -f FOLDER/vlab.yaml');
  if (st && !req.force) throw new UsageError(`${file} already exists`, 'pass --force to overwrite it, or -f OTHER.yaml');
  const { text, name } = labTemplate(req.template, { image: relativeTo(file, TINY), schema: relativeTo(file, SCHEMA), ...(req.name ? { name: req.name } : {}) });
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot write ${file}: ${code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of its path is a file, not a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message}`,
      'pick a path you can write, with -f PATH',
    );
  }
  return { file, template: req.template, name, created };
}
