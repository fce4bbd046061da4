/** `status` and `ls`: a lab as the host sees it now, and the labs that are up. Read-only; prints nothing. */
import { labHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import { sshKeysOf } from '../host/lab-exec.js';
import { domainName } from '../render/domain-xml.js';
import { libvirtNetworkName } from '../render/network-xml.js';
import { consoleLogPath } from '../plan/paths.js';
import { parseGuestNics } from '../apply/guest-addresses.js';
import { listLabs } from '../state/store.js';
import { requireState, storeFor } from './state.js';

export interface NetworkStatus {
  name: string;
  bridge: string;
  bridgePresent: boolean;
  cidr: string | null;
  gateway: string | null;
  gatewayPresent: boolean;
  nat: boolean;
  uplink: string | null;
  libvirtNetwork: 'active' | 'inactive' | 'missing';
  /** Multi-host labs: the hosts its bridge exists on (present and active means on every one). */
  hosts?: string[];
}

export interface GuestStatus {
  name: string;
  domain: string;
  /** Multi-host labs: the host it runs on. */
  host?: string;
  state: string;
  exec: string;
  addresses: string[];
  console: string;
}

export interface LabStatus {
  lab: string;
  labFile: string;
  accel: string;
  createdAt: string;
  persisted: string | null;
  /** Every bridge, gateway address and libvirt network the lab needs is there. */
  hostSideInPlace: boolean;
  networks: NetworkStatus[];
  guests: GuestStatus[];
}

export async function labStatus(req: { lab: string; host: Host; root: string }): Promise<LabStatus> {
  const { state, store } = requireState(req.root, req.lab);
  const hosts = labHosts(state.spec, req.host);
  const host = hosts.routed;
  const lab = state.spec;
  // Each network as every host it lives on sees it (one host: this machine).
  const names = lab.hosts?.map((h) => h.name) ?? [undefined];
  const seen = new Map(
    await Promise.all(
      names.map(async (name) => {
        const h = hosts.of(name);
        const [links, addrs, lvNets] = await Promise.all([h.ip.listLinks(), h.ip.listAddresses(), h.libvirt.listNetworks()]);
        return [name, { links, addrs, lvNets }] as const;
      }),
    ),
  );
  const networks = lab.networks.map((n): NetworkStatus => {
    const on = (n.hosts ?? [undefined]).map((name) => seen.get(name)!);
    const gw = seen.get(n.gatewayHost) ?? on[0]!;
    const lvs = on.map((x) => x.lvNets.find((v) => v.name === libvirtNetworkName(lab, n)));
    return {
      name: n.name,
      bridge: n.bridge,
      bridgePresent: on.every((x) => x.links.some((l) => l.name === n.bridge)),
      cidr: n.cidr ?? null,
      gateway: n.gateway ?? null,
      gatewayPresent: !n.gateway || gw.addrs.some((a) => a.ifname === n.bridge && a.cidr.startsWith(`${n.gateway}/`)),
      nat: n.nat,
      uplink: n.uplink ?? null,
      libvirtNetwork: lvs.every((v) => v?.active) ? 'active' : lvs.some((v) => !v) ? 'missing' : 'inactive',
      ...(n.hosts ? { hosts: n.hosts } : {}),
    };
  });
  const exec = host.labExec(sshKeysOf(state.entries));
  const guests = await Promise.all(
    lab.guests.map(async (guest): Promise<GuestStatus> => {
      const dom = domainName(lab, guest);
      const st = await host.libvirt.domainState(dom);
      let addresses: string[] = [];
      if (st === 'running') {
        const r = await exec.exec(dom, ['/bin/sh', '-c', 'ip -o link; ip -o -4 addr'], { timeoutMs: 5000 }).catch(() => undefined);
        if (r?.exitCode === 0) addresses = parseGuestNics(r.stdout).flatMap((n) => n.addresses.filter((a) => !a.startsWith('127.')));
      }
      return {
        name: guest.name,
        domain: dom,
        ...(guest.host ? { host: guest.host } : {}),
        state: st,
        exec: exec.transport(dom),
        addresses,
        console: consoleLogPath(store.paths, guest.name),
      };
    }),
  );
  return {
    lab: state.lab,
    labFile: state.labFile,
    accel: state.accel,
    createdAt: state.createdAt,
    persisted: state.persist ?? null,
    hostSideInPlace: !networks.some((n) => !n.bridgePresent || !n.gatewayPresent || n.libvirtNetwork !== 'active'),
    networks,
    guests,
  };
}

export interface LabListing {
  name: string;
  guests: string[];
  networks: string[];
  createdAt: string;
  labFile: string;
  /** Why the lab's state cannot be read, and the way out (the other fields are then empty). */
  error?: { message: string; fix?: string };
}

/** The labs with state under root; one whose state cannot be read is listed with its error. */
export function labList(root: string): LabListing[] {
  return listLabs(root).map((name) => {
    try {
      const s = storeFor(root, name).load()!;
      return { name, guests: s.spec.guests.map((x) => x.name), networks: s.spec.networks.map((n) => n.cidr ?? n.bridge), createdAt: s.createdAt, labFile: s.labFile };
    } catch (e) {
      const hint = (e as { hint?: string }).hint;
      return { name, guests: [], networks: [], createdAt: '', labFile: '', error: { message: (e as Error).message, ...(hint ? { fix: hint } : {}) } };
    }
  });
}
