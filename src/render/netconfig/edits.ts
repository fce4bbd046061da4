/**
 * Everything vlab does to one guest for its network stack, as data: files to write, conflicting
 * defaults to remove, units to enable (symlinks), or the files of a NoCloud seed ISO. Pure.
 */
import type { NetconfigKind } from '../../spec/types.js';
import type { GuestFile } from '../files.js';
import type { GuestNetInput } from './input.js';
import { netconfigTarget, renderGuestFiles, rendererFor } from './index.js';

export interface GuestLink {
  /** Symlink path inside the guest. */
  path: string;
  /** What it points at. */
  target: string;
}

export interface GuestEdits {
  stack: Exclude<NetconfigKind, 'auto'>;
  /** 'disk': files/remove/links go into the overlay; 'seed-iso': files are the ISO's root. */
  target: 'disk' | 'seed-iso';
  files: GuestFile[];
  remove: string[];
  links: GuestLink[];
}

/** systemd `enable` for a unit wanted by multi-user.target: the symlink it makes. */
export function enableLink(unit: string): GuestLink {
  return { path: `/etc/systemd/system/multi-user.target.wants/${unit}`, target: `/lib/systemd/system/${unit}` };
}

export function guestEdits(input: GuestNetInput, stack: Exclude<NetconfigKind, 'auto'>): GuestEdits {
  const renderer = rendererFor(stack);
  const files = renderGuestFiles(input, stack); // throws a UsageError for an unknown stack
  return {
    stack,
    target: netconfigTarget(stack),
    files,
    remove: [...(renderer?.conflicts ?? [])],
    links: (renderer?.enableUnits ?? []).map(enableLink),
  };
}
