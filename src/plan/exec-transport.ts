/**
 * How vlab reaches each guest to run commands: the qemu guest agent, SSH over the lab network,
 * or `auto` (the agent when it answers, else SSH). Decides the transport and the address SSH
 * uses, from the lab and the image. Pure.
 */
import type { ImageInfo, Lab, LabGuest } from '../spec/types.js';

export type ExecMode = 'agent' | 'ssh' | 'auto';

export interface ExecChoice {
  mode: ExecMode;
  /** Who decided: the lab file, the image's image.yaml, or the default. */
  source: 'lab file' | 'image.yaml' | 'default';
  /** Where SSH connects (a static address the host can reach); absent when there is none. */
  sshAddress?: string;
}

/**
 * A static address of the guest that the host reaches directly: on a network where the host
 * has an address itself (the gateway on a vlab bridge, or the LAN address of a bridged uplink).
 * The first such NIC in lab order.
 */
export function sshAddress(lab: Lab, guest: LabGuest): string | undefined {
  for (const nic of guest.interfaces) {
    const net = lab.networks.find((n) => n.name === nic.network);
    if (nic.address && net?.cidr && (net.gateway || net.uplink)) return nic.address;
  }
  return undefined;
}

/** The guest's transport: its own `exec:`, else the image's, else `auto`. */
export function chooseExec(lab: Lab, guest: LabGuest, image: ImageInfo | undefined): ExecChoice {
  const address = sshAddress(lab, guest);
  const base = address ? { sshAddress: address } : {};
  if (guest.exec !== 'auto') return { mode: guest.exec, source: 'lab file', ...base };
  if (image?.exec) return { mode: image.exec, source: 'image.yaml', ...base };
  return { mode: 'auto', source: 'default', ...base };
}

/** Whether vlab sets up SSH for this guest (keys, host key): ssh, or auto with a reachable address. */
export function usesSsh(choice: ExecChoice): boolean {
  return choice.mode !== 'agent' && choice.sshAddress !== undefined;
}

/** The name a guest's host key is pinned under in the lab's known_hosts. */
export function hostKeyAlias(lab: string, guest: string): string {
  return `vlab-${lab}-${guest}`;
}
