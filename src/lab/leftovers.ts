/**
 * The leak sweep's listing: every object tagged for a lab that has no usable state (bridges by
 * alias, iptables rules by comment, libvirt networks and domains by owner, files under the state
 * root, persisted boot files by their marker, helper processes holding lab files), and every lab
 * whose state names objects that are gone. Read-only; prints nothing.
 */
import path from 'node:path';
import type { Host } from '../host/index.js';
import { labPaths } from '../plan/paths.js';
import { markerLab, PERSIST_DIRS } from '../persist/marker.js';
import { chainRules } from '../apply/sweep.js';
import { storeFor } from './state.js';

export type LeftoverKind = 'bridge' | 'iptables' | 'libvirt-network' | 'domain' | 'state-files' | 'persist-file' | 'helper';

export interface Leftover {
  kind: LeftoverKind;
  /** What it is, for people: a bridge name, an iptables rule, a path. */
  name: string;
}

export interface LabLeftovers {
  lab: string;
  /** Whether the lab's state is usable: `ok`, `missing` (no state.json) or `corrupt` (with the error). */
  state: 'ok' | 'missing' | 'corrupt';
  error?: string;
  /** A lab without usable state: everything on the host tagged for it (what `down LAB --sweep` removes). */
  objects: Leftover[];
  /** A lab with state: what its journal names that is no longer on the host. */
  gone: string[];
  /** What to run. */
  fix: string;
}

const TAG = /^vlab:([a-z][a-z0-9-]{0,15})$/;

/** What the host holds, read once for both halves of the listing. */
interface HostObjects {
  links: Awaited<ReturnType<Host['ip']['listLinks']>>;
  nets: Awaited<ReturnType<Host['libvirt']['listNetworks']>>;
  doms: Awaited<ReturnType<Host['libvirt']['listDomains']>>;
}

/** Everything tagged on the host, by lab. */
async function taggedObjects(host: Host, root: string, { links, nets, doms }: HostObjects): Promise<Map<string, Leftover[]>> {
  const by = new Map<string, Leftover[]>();
  const add = (lab: string | undefined, o: Leftover) => {
    if (lab) by.set(lab, [...(by.get(lab) ?? []), o]);
  };
  for (const l of links) if (l.kind === 'bridge') add(TAG.exec(l.alias ?? '')?.[1], { kind: 'bridge', name: l.name });
  for (const r of await chainRules(host, { tolerant: true })) add(TAG.exec(r.comment ?? '')?.[1], { kind: 'iptables', name: `-t ${r.table} ${r.line}` });
  for (const n of nets) add(n.owner, { kind: 'libvirt-network', name: n.name });
  for (const d of doms) add(d.owner, { kind: 'domain', name: d.name });
  for (const dir of PERSIST_DIRS) {
    for (const p of host.files.list(dir).filter((f) => path.posix.dirname(f) === dir && path.posix.basename(f).startsWith('vlab-'))) {
      const st = host.files.stat(p);
      if (st?.type === 'symlink') add(/^vlab-([a-z][a-z0-9-]{0,15})\.service$/.exec(path.posix.basename(p))?.[1], { kind: 'persist-file', name: `${p} -> ${st.target}` });
      else if (st?.type === 'file') add(markerLab(safeRead(host, p)), { kind: 'persist-file', name: p });
    }
  }
  for (const lab of labDirs(host, root)) {
    const disks = labPaths(root, lab).disks;
    for (const h of host.processes.diskHelpers(disks)) add(lab, { kind: 'helper', name: h });
    const files = host.files.list(path.join(root, lab));
    if (files.length) add(lab, { kind: 'state-files', name: `${path.join(root, lab)} (${files.length} path${files.length === 1 ? '' : 's'})` });
  }
  return by;
}

function safeRead(host: Host, p: string): string {
  try {
    return host.files.read(p);
  } catch {
    return '';
  }
}

/** Lab folders under the state root (a name a lab may have). */
function labDirs(host: Host, root: string): string[] {
  const names = new Set(
    host.files
      .list(root)
      .map((p) => path.relative(root, p).split(path.sep)[0]!)
      .filter((n) => /^[a-z][a-z0-9-]{0,15}$/.test(n)),
  );
  return [...names].sort();
}

/** Journal objects of an up lab that are gone from the host (bridges, libvirt networks, domains). */
function goneObjects({ links, nets, doms }: HostObjects, entries: { details: { kind: string; bridge?: string; name?: string } }[]): { gone: string[]; total: number } {
  const gone: string[] = [];
  let total = 0;
  for (const { details: d } of entries) {
    if (d.kind === 'bridge.create') {
      total++;
      if (!links.some((l) => l.name === d.bridge)) gone.push(`bridge ${d.bridge}`);
    } else if (d.kind === 'libvirt.network') {
      total++;
      if (!nets.some((n) => n.name === d.name)) gone.push(`libvirt network ${d.name}`);
    } else if (d.kind === 'domain.define') {
      total++;
      if (!doms.some((x) => x.name === d.name)) gone.push(`domain ${d.name}`);
    }
  }
  return { gone, total };
}

/** Every lab that left something behind or whose state no longer matches the host, by name. */
export async function gatherLeftovers(host: Host, root: string): Promise<LabLeftovers[]> {
  const [links, nets, doms] = await Promise.all([host.ip.listLinks(), host.libvirt.listNetworks().catch(() => []), host.libvirt.listDomains().catch(() => [])]);
  const objects: HostObjects = { links, nets, doms };
  const tagged = await taggedObjects(host, root, objects);
  const labs = [...new Set([...tagged.keys(), ...labDirs(host, root)])].sort();
  const out: LabLeftovers[] = [];
  for (const lab of labs) {
    let state: ReturnType<ReturnType<typeof storeFor>['load']>;
    try {
      state = storeFor(root, lab).load();
    } catch (e) {
      out.push({ lab, state: 'corrupt', error: (e as Error).message, objects: tagged.get(lab) ?? [], gone: [], fix: `vlab down ${lab} --sweep` });
      continue;
    }
    if (!state) {
      const objects = tagged.get(lab) ?? [];
      if (objects.length) out.push({ lab, state: 'missing', objects, gone: [], fix: `vlab down ${lab} --sweep` });
      continue;
    }
    const { gone, total } = goneObjects(objects, state.entries);
    if (gone.length)
      out.push({
        lab,
        state: 'ok',
        objects: [],
        gone,
        fix: gone.length === total ? `vlab down ${lab} (its objects are gone; down removes the rest and the state)` : `vlab restore ${lab} to make them again, or vlab down ${lab}`,
      });
  }
  return out;
}
