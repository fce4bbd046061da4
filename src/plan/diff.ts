/**
 * What changed in the lab file since `up`: additions are applied by the next `up`; anything
 * else (a guest or network removed or altered) needs `down` first. Pure.
 */
import type { Lab } from '../spec/types.js';

const stable = (x: unknown) => JSON.stringify(x);

export interface LabDiff {
  added: string[];
  /** Changes `up` cannot apply in place: each says what changed. */
  needDown: string[];
}

export function diffLab(applied: Lab, wanted: Lab): LabDiff {
  const out: LabDiff = { added: [], needDown: [] };
  for (const n of applied.networks) {
    const w = wanted.networks.find((x) => x.name === n.name);
    if (!w) out.needDown.push(`network '${n.name}' was removed`);
    else if (stable(w) !== stable(n)) out.needDown.push(`network '${n.name}' changed`);
  }
  for (const n of wanted.networks) if (!applied.networks.some((x) => x.name === n.name)) out.added.push(`network '${n.name}'`);
  for (const g of applied.guests) {
    const w = wanted.guests.find((x) => x.name === g.name);
    if (!w) out.needDown.push(`guest '${g.name}' was removed`);
    else {
      const { ...a } = g;
      const { ...b } = w;
      if (stable(a) !== stable(b)) out.needDown.push(`guest '${g.name}' changed (${changedKeys(g, w).join(', ')})`);
    }
  }
  for (const g of wanted.guests) if (!applied.guests.some((x) => x.name === g.name)) out.added.push(`guest '${g.name}'`);
  if (applied.accel !== wanted.accel) out.needDown.push(`accel changed (${applied.accel} → ${wanted.accel})`);
  for (const img of applied.images) {
    const w = wanted.images.find((x) => x.name === img.name);
    if (w && w.path !== img.path && wanted.guests.some((g) => g.image === img.name && applied.guests.some((a) => a.name === g.name))) {
      out.needDown.push(`image '${img.name}' now points at ${w.path} (was ${img.path})`);
    }
  }
  // Adding a guest changes every guest's /etc/hosts; that is fine to leave until the next rebuild.
  return out;
}

function changedKeys(a: object, b: object): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => stable((a as Record<string, unknown>)[k]) !== stable((b as Record<string, unknown>)[k]));
}
