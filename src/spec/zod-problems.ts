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

/** The schema's def at `path` (record keys and array indices are skipped over), unwrapped from default/optional; undefined off the schema. */
function defAt(path: YamlPath): AnyDef | undefined {
  let def = (LabFileSchema as unknown as { def: AnyDef }).def;
  const unwrap = () => {
    while ((def.type === 'default' || def.type === 'optional') && def.innerType) def = def.innerType.def;
  };
  unwrap();
  for (const seg of path) {
    if (def.type === 'object' && def.shape) {
      const next = def.shape[String(seg)];
      if (!next) return undefined;
      def = next.def;
    } else if (def.type === 'record' && def.valueType) def = def.valueType.def;
    else if (def.type === 'array' && def.element) def = def.element.def;
    else return undefined;
    unwrap();
  }
  return def;
}

/** What the schema has at `path`: `object` (fixed keys), `record` (a map of names), or another zod type name. */
export function schemaNodeAt(path: YamlPath): string | undefined {
  return defAt(path)?.type;
}

/** Keys the schema allows for the object at `path` (record keys and array indices are skipped over). */
export function allowedKeysAt(path: YamlPath): string[] {
  const def = defAt(path);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
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

function typeHint(expected: string, actual: unknown, key: string): string | undefined {
  if (expected === 'boolean') return `write true or false, unquoted (got ${JSON.stringify(actual)})`;
  if (expected === 'number') return key === 'memory' ? 'a whole number of MiB, unquoted, e.g. 512' : 'a whole number, unquoted';
  if (expected === 'record' || expected === 'object') return `write '${key}:' followed by indented 'name:' entries`;
  if (expected === 'array') return `write a list: '- item' lines or [a, b]`;
  if (expected === 'string') return 'quote it if it looks like a number or boolean';
  return undefined;
}

function rangeHint(key: string, origin: string): string | undefined {
  if (key === 'memory') return 'memory is in MiB, from 64 to 262144, e.g. 512';
  if (key === 'vcpus') return 'from 1 to 64';
  if (key === 'interfaces') return 'give each guest 1 to 8 NICs: - { network: NAME, address: A.B.C.D }';
  if (key === 'count') return 'from 1 to 20 pings';
  if (origin === 'string') return 'shorten it';
  return undefined;
}

function formatHint(key: string): string | undefined {
  if (key === 'bridge') return 'Linux interface names are at most 15 characters; leave bridge: out for a derived one';
  if (key === 'mac') return 'six hex pairs separated by colons, e.g. 52:54:00:12:34:56, or leave mac: out';
  if (key === 'name') return 'use 1-16 characters: a lower-case letter, then lower-case letters, digits or -';
  return undefined;
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
        const key = String(path[path.length - 1]);
        const expected =
          issue.expected === 'record' || issue.expected === 'object' ? 'a mapping (name: value, ...)' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
        if (actual === undefined) out.push({ path, message: `missing required key '${key}'`, hint: `add '${key}:'` });
        else if (actual === null) out.push({ path, message: `'${key}' is empty`, hint: `give it ${expected}` });
        else out.push({ path, message: `expected ${expected}, got ${typeName(actual)}`, hint: typeHint(issue.expected, actual, key) });
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
        const n = Number(bound);
        const what = issue.origin === 'array' ? (n === 1 ? 'item' : 'items') : issue.origin === 'string' ? (n === 1 ? 'character' : 'characters') : '';
        const rel = issue.code === 'too_small' ? 'at least' : 'at most';
        const key = String(path[path.length - 1]);
        out.push({
          path,
          message:
            issue.origin === 'array' && n === 1 && issue.code === 'too_small'
              ? `'${key}' must not be empty`
              : `must be ${rel} ${String(bound)}${what ? ' ' + what : ''}${issue.origin === 'number' ? ` (got ${String(valueAt(data, path))})` : ''}`,
          hint: rangeHint(key, issue.origin),
        });
        break;
      }
      case 'invalid_format':
        out.push({ path, message: `'${String(valueAt(data, path))}' ${issue.message}`, hint: formatHint(String(path[path.length - 1])) });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}
