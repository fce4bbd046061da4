/**
 * Guest network configuration behind one interface: pick a renderer by stack, then add the
 * stack-independent files (interface-name pinning, hostname, hosts, cloud-init kept off the
 * network). That composition lives here only; renderers return just their stack's files. Pure.
 */
import { UsageError } from '../../errors.js';
import type { NetconfigKind } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import { renderHostFiles } from '../hosts.js';
import type { LabInterface } from '../../spec/types.js';
import { NETWORK_CONFIG_PATH, renderCloudInit, renderCloudInitOff } from './cloud-init.js';
import { IFCFG_CONFLICTS, ifcfgPath, renderIfcfg } from './ifcfg.js';
import { IFUPDOWN_CONFLICTS, INTERFACES_PATH, renderIfupdown } from './ifupdown.js';
import type { GuestNetInput } from './input.js';
import { NETPLAN_CONFLICTS, NETPLAN_PATH, renderNetplan } from './netplan.js';
import { NETWORKD_CONFLICTS, NETWORKD_ENABLE_UNITS, networkFilePath, renderNetworkd } from './networkd.js';
import { keyfilePath, NM_CONFLICTS, renderNetworkManager } from './networkmanager.js';
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
  /** path of the rendered file that configures this NIC (for error messages) */
  nicFile(nic: LabInterface): string;
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
  { kind: 'ifupdown', render: renderIfupdown, nicFile: () => INTERFACES_PATH, conflicts: IFUPDOWN_CONFLICTS },
  { kind: 'netplan', render: (input) => renderNetplan(input, { renderer: 'networkd' }), nicFile: () => NETPLAN_PATH, conflicts: NETPLAN_CONFLICTS, quietCloudInit: true },
  { kind: 'networkd', render: renderNetworkd, nicFile: networkFilePath, conflicts: NETWORKD_CONFLICTS, enableUnits: NETWORKD_ENABLE_UNITS, quietCloudInit: true },
  { kind: 'networkmanager', render: renderNetworkManager, nicFile: keyfilePath, conflicts: NM_CONFLICTS, quietCloudInit: true },
  { kind: 'ifcfg', render: renderIfcfg, nicFile: ifcfgPath, conflicts: IFCFG_CONFLICTS, quietCloudInit: true },
  { kind: 'cloud-init', render: renderCloudInit, nicFile: () => NETWORK_CONFIG_PATH, conflicts: [], target: 'seed-iso' },
];

/** Stacks vlab can configure today. */
export const SUPPORTED_NETCONFIG: readonly string[] = RENDERERS.map((r) => r.kind);

/** The renderer for a stack; undefined for stacks not yet supported. */
export function rendererFor(kind: Exclude<NetconfigKind, 'auto'>): NetconfigRenderer | undefined {
  return RENDERERS.find((r) => r.kind === kind);
}

/** Path of the file a stack's renderer writes for one NIC (the seed ISO's /network-config for cloud-init); undefined for unknown stacks. */
export function nicConfigPath(kind: Exclude<NetconfigKind, 'auto'>, nic: LabInterface): string | undefined {
  return rendererFor(kind)?.nicFile(nic);
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
