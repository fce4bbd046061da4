/** Deterministic defaults: bridge names and MAC addresses. Pure. */
import { createHash } from 'node:crypto';

function hex(text: string, chars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}

/**
 * Default bridge for a network: `v-LAB-NET` when it fits in 15 characters, otherwise
 * `v-` + 6 of the lab name + `-` + a 6-hex hash of lab and network (unique, stable).
 */
export function defaultBridgeName(lab: string, network: string): string {
  const plain = `v-${lab}-${network}`;
  return plain.length <= 15 ? plain : `v-${lab.slice(0, 6)}-${hex(`${lab}/${network}`, 6)}`;
}

/** Default MAC: QEMU's 52:54:00 prefix and three bytes hashed from lab, guest and NIC index. */
export function defaultMac(lab: string, guest: string, index: number): string {
  const h = hex(`${lab}/${guest}/${index}`, 6);
  return `52:54:00:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}
