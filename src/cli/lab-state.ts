/** Which lab a command means: the explicit argument, else the lab file's `name:`. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { GlobalOptions } from './context.js';
import { parseLab } from '../spec/load.js';
import { NAME_PATTERN } from '../spec/schema.js';

/** The lab name: the explicit argument, else the lab file's `name:`. */
export function labNameFrom(arg: string | undefined, g: GlobalOptions): string {
  if (arg !== undefined) {
    if (!NAME_PATTERN.test(arg)) throw new UsageError(`'${arg}' is not a lab name`, 'lab names look like seed or my-lab (see `vlab ls`)');
    return arg;
  }
  const file = path.resolve(g.file);
  if (!fs.existsSync(file)) throw new UsageError(`no lab named and no lab file at ${file}`, 'name the lab (`vlab ls` lists them) or pass -f PATH');
  const text = fs.readFileSync(file, 'utf8');
  const m = /^name:\s*["']?([a-z][a-z0-9-]{0,15})["']?\s*(#.*)?$/m.exec(text);
  if (m) return m[1]!;
  return parseLab(text, file).name; // throws the full validation report
}
