/** What `vlab test` simulates around a lab in its sandbox, with the defaults filled in. Pure. */
import type { Lab } from './types.js';

export interface TestWorld {
  /** Addresses the outside namespace holds (reached only through the lab's NAT). */
  outside: string[];
  /** The uplink NIC that gets a simulated LAN with DHCP, if any. */
  lan?: string;
}

export function testWorld(lab: Lab): TestWorld {
  const outside = lab.test?.outside ?? lab.verify.external;
  const uplink = lab.networks.find((n) => n.uplink)?.uplink;
  const lan = (lab.test?.lan ?? (uplink ? 'dhcp' : 'none')) === 'dhcp' ? (uplink ?? 'eth0') : undefined;
  return { outside: [...new Set(outside.length ? outside : ['198.18.0.2'])], ...(lan ? { lan } : {}) };
}
