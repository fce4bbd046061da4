/**
 * `x-` extension keys: allowed in every mapping of fixed keys (the top level, a network, a guest,
 * an interface, `defaults:`, `verify:`, a check) and ignored, so a lab file can keep YAML anchors
 * or notes there (`x-base: &base { memory: 256 }`). Not in the maps of names (networks:, images:,
 * guests:), where `x-web` is a name like any other. Pure.
 */
import { EXTENSION_KEY } from './schema.js';
import { schemaNodeAt } from './zod-problems.js';

/** A copy of `data` without its extension keys. */
export function stripExtensions(data: unknown): unknown {
  return strip(data, []);
}

function strip(v: unknown, path: (string | number)[]): unknown {
  if (Array.isArray(v)) return v.map((x, i) => strip(x, [...path, i]));
  if (v === null || typeof v !== 'object') return v;
  const fixedKeys = schemaNodeAt(path) === 'object';
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (fixedKeys && EXTENSION_KEY.test(k)) continue;
    out[k] = strip(x, [...path, k]);
  }
  return out;
}
