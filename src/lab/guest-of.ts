/** The guest of an up lab a guest command names: its spec and domain, or a UsageError listing the lab's guests. */
import type { LabGuest } from '../spec/types.js';
import type { LabState } from '../state/store.js';
import { domainName } from '../render/domain-xml.js';
import { UsageError } from '../errors.js';

export function guestOf(state: LabState, name: string): { guest: LabGuest; domain: string } {
  const guest = state.spec.guests.find((x) => x.name === name);
  if (!guest) throw new UsageError(`lab '${state.lab}' has no guest '${name}'`, `guests: ${state.spec.guests.map((x) => x.name).join(', ')}`);
  return { guest, domain: domainName(state.spec, guest) };
}
