/**
 * Labs for the netconfig tests (not a golden file): `duo`, whose guest `router` has eth0 static
 * with the default route on a NAT network and eth1 by DHCP on a bridged uplink, plus the shared
 * seed and multi labs. CASES is what every per-stack parser test and the goldens go through.
 */
import { labHosts } from '../../../src/render/hosts.js';
import type { GuestNetInput } from '../../../src/render/netconfig/index.js';
import type { Lab } from '../../../src/spec/types.js';
import { guestOf, multiLab, seedLab } from '../../fixtures/render/seed-lab.js';

export const duoLab: Lab = {
  name: 'duo',
  file: '/labs/duo/lab.yaml',
  dir: '/labs/duo',
  accel: 'auto',
  networks: [
    { name: 'inside', bridge: 'vlab-inside', cidr: '10.20.0.0/24', prefix: 24, gateway: '10.20.0.1', nat: true },
    { name: 'uplink', bridge: 'br0', nat: false, uplink: 'enp1s0' },
  ],
  images: [{ name: 'debian', path: '/images/debian-12.qcow2' }],
  guests: [
    {
      name: 'router',
      image: 'debian',
      memory: 512,
      vcpus: 1,
      netconfig: 'auto',
      exec: 'agent',
      interfaces: [
        { index: 0, network: 'inside', address: '10.20.0.10', prefix: 24, mac: '52:54:00:20:00:10', ifname: 'eth0', gateway: '10.20.0.1' },
        { index: 1, network: 'uplink', mac: '52:54:00:20:00:11', ifname: 'eth1' },
      ],
    },
  ],
  verify: { external: [], checks: [] },
};

/**
 * Lab `quiet`: `address: none` NICs. `probe` has eth0 static with the default route on a NAT
 * network and eth1 without any address on the bridged uplink; `watcher` has eth0 without any
 * address and eth1 by DHCP (no gateway anywhere: the DHCP NIC takes the default route, the
 * `none` NIC never does).
 */
export const quietLab: Lab = {
  name: 'quiet',
  file: '/labs/quiet/lab.yaml',
  dir: '/labs/quiet',
  accel: 'auto',
  networks: [
    { name: 'inside', bridge: 'vlab-inside', cidr: '10.30.0.0/24', prefix: 24, gateway: '10.30.0.1', nat: true },
    { name: 'uplink', bridge: 'br0', nat: false, uplink: 'enp1s0', cidr: '192.0.2.0/24', prefix: 24, gateway: '192.0.2.1' },
  ],
  images: [{ name: 'debian', path: '/images/debian-12.qcow2' }],
  guests: [
    {
      name: 'probe',
      image: 'debian',
      memory: 512,
      vcpus: 1,
      netconfig: 'auto',
      exec: 'agent',
      interfaces: [
        { index: 0, network: 'inside', address: '10.30.0.10', prefix: 24, mac: '52:54:00:30:00:10', ifname: 'eth0', gateway: '10.30.0.1' },
        { index: 1, network: 'uplink', unconfigured: true, mac: '52:54:00:30:00:11', ifname: 'eth1' },
      ],
    },
    {
      name: 'watcher',
      image: 'debian',
      memory: 512,
      vcpus: 1,
      netconfig: 'auto',
      exec: 'agent',
      interfaces: [
        { index: 0, network: 'inside', unconfigured: true, mac: '52:54:00:30:00:20', ifname: 'eth0' },
        { index: 1, network: 'uplink', mac: '52:54:00:30:00:21', ifname: 'eth1' },
      ],
    },
  ],
  verify: { external: [], checks: [] },
};

export interface NetCase {
  /** golden folder: <lab>/<guest> */
  name: string;
  input: GuestNetInput;
}

function netCase(lab: Lab, guest: string): NetCase {
  return { name: `${lab.name}/${guest}`, input: { lab, guest: guestOf(lab, guest), hosts: labHosts(lab) } };
}

/**
 * seed/web: one static NIC with the gateway. duo/router: static + gateway on a NAT network and
 * DHCP elsewhere (the DHCP NIC must not take the default route). multi/edge: static without a
 * gateway and DHCP (the DHCP NIC takes the default route, as with ifupdown).
 */
export const CASES: readonly NetCase[] = [
  netCase(seedLab, 'web'),
  netCase(duoLab, 'router'),
  netCase(multiLab, 'edge'),
  netCase(quietLab, 'probe'),
  netCase(quietLab, 'watcher'),
];
