/**
 * Guest network configuration behind one interface: pick a renderer by stack, then add the
 * stack-independent files (interface-name pinning, hostname, hosts, cloud-init kept off the
 * network). That composition lives here only; renderers return just their stack's files. Pure.
 */
import { UsageError } from '../../errors.js';
import type { NetconfigKind } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { renderHostFiles } from '../hosts.js';
import { renderCloudInit, renderCloudInitOff } from './cloud-init.js';
import { IFCFG_CONFLICTS, renderIfcfg } from './ifcfg.js';
import { IFUPDOWN_CONFLICTS, renderIfupdown } from './ifupdown.js';
import type { GuestNetInput } from './input.js';
import { NETPLAN_CONFLICTS, renderNetplan } from './netplan.js';
import { NETWORKD_CONFLICTS, NETWORKD_ENABLE_UNITS, renderNetworkd } from './networkd.js';
import { NM_CONFLICTS, renderNetworkManager } from './networkmanager.js';
import { renderPinning } from './pinning.js';
import { renderSshFiles } from '../ssh-files.js';

export type { GuestNetInput } from './input.js';

/** Where a renderer's files go: into the guest disk, or into a NoCloud seed ISO's root. */
export type NetconfigTarget = 'disk' | 'seed-iso';

/** One guest network stack (ifupdown, netplan, ...). */
export interface NetconfigRenderer {
  kind: Exclude<NetconfigKind, 'auto'>;
  /** the stack's own files: into the guest disk, or (target 'seed-iso') the seed ISO's files */
  render(input: GuestNetInput): GuestFile[];
  /** paths vlab removes or disables in the guest (conflicting defaults) */
  conflicts: readonly string[];
  /** where render()'s files go; default 'disk' */
  target?: NetconfigTarget;
  /** systemd units the injector enables in the guest (symlinks into multi-user.target.wants) */
  enableUnits?: readonly string[];
  /** add /etc/cloud/cloud.cfg.d/99-vlab.cfg so an image's cloud-init leaves network, hostname and hosts alone */
  quietCloudInit?: boolean;
}

const RENDERERS: readonly NetconfigRenderer[] = [
  { kind: 'ifupdown', render: renderIfupdown, conflicts: IFUPDOWN_CONFLICTS },
  { kind: 'netplan', render: (input) => renderNetplan(input, { renderer: 'networkd' }), conflicts: NETPLAN_CONFLICTS, quietCloudInit: true },
  { kind: 'networkd', render: renderNetworkd, conflicts: NETWORKD_CONFLICTS, enableUnits: NETWORKD_ENABLE_UNITS, quietCloudInit: true },
  { kind: 'networkmanager', render: renderNetworkManager, conflicts: NM_CONFLICTS, quietCloudInit: true },
  { kind: 'ifcfg', render: renderIfcfg, conflicts: IFCFG_CONFLICTS, quietCloudInit: true },
  { kind: 'cloud-init', render: renderCloudInit, conflicts: [], target: 'seed-iso' },
];

/** Stacks vlab can configure today. */
export const SUPPORTED_NETCONFIG: readonly string[] = RENDERERS.map((r) => r.kind);

/** The renderer for a stack; undefined for stacks not yet supported. */
export function rendererFor(kind: Exclude<NetconfigKind, 'auto'>): NetconfigRenderer | undefined {
  return RENDERERS.find((r) => r.kind === kind);
}

/** Where a stack's files go ('disk' unless its renderer says otherwise; 'disk' for unknown stacks). */
export function netconfigTarget(kind: Exclude<NetconfigKind, 'auto'>): NetconfigTarget {
  return rendererFor(kind)?.target ?? 'disk';
}

/**
 * Every file vlab writes for a guest's networking. Disk stacks: the stack's files, the MAC
 * pinning files, `/etc/cloud/cloud.cfg.d/99-vlab.cfg` (stacks with quietCloudInit),
 * `/etc/hostname` and `/etc/hosts`, and the SSH files when input.ssh is set. A seed-iso stack (cloud-init): only its seed files
 * (`/meta-data`, `/user-data`, `/network-config`), which belong in the ISO, NOT the disk;
 * check `netconfigTarget(kind)`. An unsupported stack is a UsageError.
 */
export function renderGuestFiles(input: GuestNetInput, kind: Exclude<NetconfigKind, 'auto'>): GuestFile[] {
  const renderer = rendererFor(kind);
  if (!renderer) {
    throw new UsageError(
      `guest ${input.guest.name}: netconfig '${kind}' is not supported yet`,
      `set netconfig to one of: ${SUPPORTED_NETCONFIG.join(', ')} (the image must have that stack)`,
    );
  }
  if ((renderer.target ?? 'disk') === 'seed-iso') return renderer.render(input);
  return [
    ...renderer.render(input),
    ...renderPinning(input),
    ...(renderer.quietCloudInit ? [renderCloudInitOff(input)] : []),
    ...renderHostFiles(input),
    ...(input.ssh ? renderSshFiles(input.ssh) : []),
  ];
}
