/**
 * `defaults:` — guest settings every guest gets unless it sets its own, key by key. Applied to
 * the raw data before the schema, remembering which guest values came from there, so a problem
 * in an inherited value is reported once, at its line under `defaults:`. Pure.
 */
import { DEFAULTABLE_KEYS } from './schema.js';
import { formatPath, type YamlPath } from './locate.js';

export interface WithDefaults {
  data: unknown;
  /** `guests.NAME.KEY` (formatted) → `['defaults', KEY]` for every value taken from defaults:. */
  inherited: Map<string, YamlPath>;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The data with defaults: filled into every guest that lacks a key (defaults: itself stays, for the schema to check). */
export function applyGuestDefaults(data: unknown): WithDefaults {
  const inherited = new Map<string, YamlPath>();
  if (!isMap(data) || !isMap(data.defaults) || !isMap(data.guests)) return { data, inherited };
  const defaults = data.defaults;
  const guests: Record<string, unknown> = {};
  for (const [name, g] of Object.entries(data.guests)) {
    if (!isMap(g)) {
      guests[name] = g;
      continue;
    }
    const merged = { ...g };
    for (const key of DEFAULTABLE_KEYS) {
      if (merged[key] !== undefined || defaults[key] === undefined) continue;
      merged[key] = defaults[key];
      inherited.set(formatPath(['guests', name, key]), ['defaults', key]);
    }
    guests[name] = merged;
  }
  return { data: { ...data, guests }, inherited };
}

/** Where a problem at `path` is written: under defaults: when the value was inherited. */
export function sourcePath(path: YamlPath, inherited: ReadonlyMap<string, YamlPath>): YamlPath {
  for (let n = path.length; n > 0; n--) {
    const from = inherited.get(formatPath(path.slice(0, n)));
    if (from) return [...from, ...path.slice(n)];
  }
  return path;
}
