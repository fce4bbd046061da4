/**
 * The colours of the topology picture, shared by every renderer (and the HTML legend) so that a
 * running guest or a failed check looks the same in dot, SVG, HTML and mermaid. Pure.
 */
import type { CheckEdge, GuestNode, NetworkMode, TopologyEdge, TopologyNode } from './model.js';

export interface BoxStyle {
  fill: string;
  stroke: string;
  dashed: boolean;
}

export interface LineStyle {
  color: string;
  dashed: boolean;
  width: number;
}

const GREEN = '#2e7d32';
const RED = '#c62828';

/** A guest by its domain state; `file` when drawn from the lab file (no state known). */
export const GUEST_STYLES: Record<NonNullable<GuestNode['status']> | 'file', BoxStyle> = {
  file: { fill: '#e8f0fe', stroke: '#1a56a6', dashed: false },
  running: { fill: '#e3f4e1', stroke: GREEN, dashed: false },
  paused: { fill: '#fff4d6', stroke: '#b7791f', dashed: false },
  'shut off': { fill: '#eeeeee', stroke: '#757575', dashed: false },
  missing: { fill: '#fde8e8', stroke: RED, dashed: true },
  other: { fill: '#fde8e8', stroke: RED, dashed: false },
};

export const NETWORK_STYLES: Record<NetworkMode, BoxStyle> = {
  nat: { fill: '#fff3cd', stroke: '#8a6d00', dashed: false },
  uplink: { fill: '#e0f2f1', stroke: '#00695c', dashed: false },
  isolated: { fill: '#f3f3f3', stroke: '#555555', dashed: false },
};

export const OUTSIDE_STYLE: BoxStyle = { fill: '#ffffff', stroke: '#555555', dashed: true };
export const LAN_STYLE: BoxStyle = { fill: '#e0f2f1', stroke: '#00695c', dashed: true };

export const CHECK_PASSED: LineStyle = { color: GREEN, dashed: true, width: 1.5 };
export const CHECK_FAILED: LineStyle = { color: RED, dashed: true, width: 2 };

export function nodeStyle(n: TopologyNode): BoxStyle {
  switch (n.kind) {
    case 'guest':
      return GUEST_STYLES[n.status ?? 'file'];
    case 'network':
      return NETWORK_STYLES[n.mode];
    case 'outside':
      return OUTSIDE_STYLE;
    case 'lan':
      return LAN_STYLE;
  }
}

export function checkStyle(e: CheckEdge): LineStyle {
  return e.ok ? CHECK_PASSED : CHECK_FAILED;
}

export function edgeStyle(e: TopologyEdge): LineStyle {
  switch (e.kind) {
    case 'nic':
      return { color: '#444444', dashed: false, width: e.defaultRoute ? 2 : 1 };
    case 'nat':
      return { color: NETWORK_STYLES.nat.stroke, dashed: false, width: 2 };
    case 'uplink':
      return { color: NETWORK_STYLES.uplink.stroke, dashed: false, width: 2 };
    case 'lan-egress':
      return { color: '#757575', dashed: true, width: 1 };
    case 'check':
      return checkStyle(e);
  }
}

/** The legend: what each colour means, in the order the HTML page lists it; `only` for the entries of one source. */
export const LEGEND: { label: string; style: BoxStyle; only?: 'file' | 'live' }[] = [
  { label: 'guest', style: GUEST_STYLES.file, only: 'file' },
  { label: 'guest running', style: GUEST_STYLES.running, only: 'live' },
  { label: 'guest paused', style: GUEST_STYLES.paused, only: 'live' },
  { label: 'guest shut off', style: GUEST_STYLES['shut off'], only: 'live' },
  { label: 'guest missing (dashed) or crashed', style: GUEST_STYLES.missing, only: 'live' },
  { label: 'network with NAT', style: NETWORK_STYLES.nat },
  { label: 'network bridged to a NIC (uplink)', style: NETWORK_STYLES.uplink },
  { label: 'isolated network', style: NETWORK_STYLES.isolated },
  { label: 'outside', style: OUTSIDE_STYLE },
  { label: 'physical LAN', style: LAN_STYLE },
];
