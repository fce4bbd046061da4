/** Turns zod issues into lab-file problems with friendly messages and did-you-mean hints. Pure. */
import type { z } from 'zod';
import { LabFileSchema } from './schema.js';
import { didYouMean } from './suggest.js';
import type { YamlPath } from './locate.js';

export interface RawProblem {
  path: YamlPath;
  message: string;
  hint?: string;
  /** Point at the map key rather than its value (unknown keys). */
  atKey?: boolean;
}

type AnyDef = { type: string; shape?: Record<string, { def: AnyDef }>; innerType?: { def: AnyDef }; valueType?: { def: AnyDef }; element?: { def: AnyDef } };

/** Keys the schema allows for the object at `path` (record keys and array indices are skipped over). */
export function allowedKeysAt(path: YamlPath): string[] {
  let def = (LabFileSchema as unknown as { def: AnyDef }).def;
  const unwrap = () => {
    while ((def.type === 'default' || def.type === 'optional') && def.innerType) def = def.innerType.def;
  };
  unwrap();
  for (const seg of path) {
    if (def.type === 'object' && def.shape) {
      const next = def.shape[String(seg)];
      if (!next) return [];
      def = next.def;
    } else if (def.type === 'record' && def.valueType) def = def.valueType.def;
    else if (def.type === 'array' && def.element) def = def.element.def;
    else return [];
    unwrap();
  }
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

function valueAt(data: unknown, path: YamlPath): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** One or more problems for each zod issue. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], data: unknown): RawProblem[] {
  const out: RawProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeysAt(path);
        for (const key of issue.keys) {
          const guess = didYouMean(key, allowed);
          out.push({
            path: [...path, key],
            atKey: true,
            message: `unknown key '${key}'`,
            hint: guess ? `did you mean '${guess}'?` : `allowed keys here: ${allowed.join(', ')}`,
          });
        }
        break;
      }
      case 'invalid_type': {
        const actual = valueAt(data, path);
        out.push(
          actual === undefined
            ? { path, message: `missing required key '${String(path[path.length - 1])}'`, hint: `add '${String(path[path.length - 1])}:'` }
            : { path, message: `expected ${issue.expected}, got ${typeName(actual)}` },
        );
        break;
      }
      case 'invalid_value': {
        const actual = valueAt(data, path);
        const allowed = issue.values.map(String);
        const guess = typeof actual === 'string' ? didYouMean(actual, allowed) : undefined;
        out.push({
          path,
          message: `'${String(actual)}' is not allowed`,
          hint: guess ? `did you mean '${guess}'? (one of ${allowed.join(', ')})` : `one of ${allowed.join(', ')}`,
        });
        break;
      }
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const what = issue.origin === 'array' ? 'items' : issue.origin === 'string' ? 'characters' : '';
        const rel = issue.code === 'too_small' ? 'at least' : 'at most';
        out.push({ path, message: `must be ${rel} ${String(bound)}${what ? ' ' + what : ''}${issue.origin === 'number' ? ` (got ${String(valueAt(data, path))})` : ''}` });
        break;
      }
      case 'invalid_format':
        out.push({ path, message: `'${String(valueAt(data, path))}' ${issue.message}` });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}
