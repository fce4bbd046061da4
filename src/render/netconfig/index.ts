/**
 * Guest network configuration behind one interface: pick a renderer by stack, then add the
 * stack-independent files (interface-name pinning, hostname, hosts). Pure.
 */
import { UsageError } from '../../errors.js';
import type { NetconfigKind } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { renderHostFiles } from '../hosts.js';
import { IFUPDOWN_CONFLICTS, renderIfupdown } from './ifupdown.js';
import type { GuestNetInput } from './input.js';
import { renderPinning } from './pinning.js';

export type { GuestNetInput } from './input.js';

/** One guest network stack (ifupdown, netplan, ...). */
export interface NetconfigRenderer {
  kind: Exclude<NetconfigKind, 'auto'>;
  /** files to write into the guest disk */
  render(input: GuestNetInput): GuestFile[];
  /** paths vlab removes or disables in the guest (conflicting defaults) */
  conflicts: readonly string[];
}

const RENDERERS: readonly NetconfigRenderer[] = [
  { kind: 'ifupdown', render: renderIfupdown, conflicts: IFUPDOWN_CONFLICTS },
];

/** Stacks vlab can configure today. */
export const SUPPORTED_NETCONFIG: readonly string[] = RENDERERS.map((r) => r.kind);

/** The renderer for a stack; undefined for stacks not yet supported. */
export function rendererFor(kind: Exclude<NetconfigKind, 'auto'>): NetconfigRenderer | undefined {
  return RENDERERS.find((r) => r.kind === kind);
}

/**
 * Every file vlab writes into the guest for networking: the stack's files, the MAC pinning
 * files, `/etc/hostname` and `/etc/hosts`. An unsupported stack is a UsageError.
 */
export function renderGuestFiles(input: GuestNetInput, kind: Exclude<NetconfigKind, 'auto'>): GuestFile[] {
  const renderer = rendererFor(kind);
  if (!renderer) {
    throw new UsageError(
      `guest ${input.guest.name}: netconfig '${kind}' is not supported yet`,
      `set netconfig to one of: ${SUPPORTED_NETCONFIG.join(', ')} (the image must have that stack)`,
    );
  }
  return [...renderer.render(input), ...renderPinning(input), ...renderHostFiles(input)];
}
