/**
 * `vlab down LAB --sweep`: removes exactly the objects tagged for a lab whose journal is lost or
 * corrupt — persisted boot files that still carry its marker, helper processes holding its
 * files, its domains (snapshots first) and libvirt networks, iptables rules with its comment, its
 * bridges, its state folder — and never anything untagged. ip_forward and bridged uplinks need
 * facts the tags do not carry: they come from the lab's undo-facts record. A bridge that holds a
 * NIC other than a guest tap is deleted only after that NIC is moved back from the record, and
 * refused, with the reason, when there is no record for it.
 */
import path from 'node:path';
import type { Host } from '../host/index.js';
import { labPaths } from '../plan/paths.js';
import { labTag } from '../plan/tags.js';
import { isVlabFile, PERSIST_DIRS } from '../persist/marker.js';
import { unitPath } from '../persist/render-unit.js';
import type { UndoFacts } from '../state/undo-facts.js';
import { chainRules } from './sweep.js';
import { detachUplink } from './uplink.js';

export interface SweepReport {
  removed: string[];
  /** What was left in place because removing it could cut the host off, and why (the sweep never guesses). */
  refused: string[];
  /** What was left as it is, for the user to know (ip_forward without a record). */
  notes: string[];
}

export async function sweepLab(
  host: Host,
  lab: string,
  root: string,
  facts: UndoFacts | undefined,
  opts: { forwardingNeededElsewhere: boolean; say: (t: string) => void },
): Promise<SweepReport> {
  const r: SweepReport = { removed: [], refused: [], notes: [] };
  const tag = labTag(lab);
  const paths = labPaths(root, lab);
  // Boot files first, so nothing brings the lab back meanwhile.
  for (const dir of PERSIST_DIRS) {
    for (const p of host.files.list(dir).filter((f) => path.posix.dirname(f) === dir && path.posix.basename(f).startsWith(`vlab-${lab}`))) {
      const st = host.files.stat(p);
      if (st?.type === 'symlink' && st.target === unitPath(lab)) {
        host.files.unlink(p);
        r.removed.push(`${p}: removed (enable link of vlab-${lab}.service)`);
      } else if (st?.type === 'file' && isVlabFile(host.files.read(p), lab)) {
        host.files.unlink(p);
        r.removed.push(`${p}: removed (persisted for lab ${lab})`);
      }
    }
  }
  if (!host.dryRun) {
    for (const p of host.processes.killStrayDiskHelpers(paths.disks)) r.removed.push(`libguestfs process ${p.pid}: killed`);
    r.removed.push(...(await host.processes.cleanupDiskExports(paths.disks)));
  }
  for (const d of (await host.libvirt.listDomains()).filter((x) => x.owner === lab)) {
    opts.say(`domain ${d.name}`);
    for (const s of await host.libvirt.listSnapshots(d.name)) await host.libvirt.deleteSnapshot(d.name, s);
    if (d.active) await host.libvirt.destroyDomain(d.name);
    await host.libvirt.undefineDomain(d.name);
    r.removed.push(`domain ${d.name}: destroyed and undefined`);
  }
  for (const n of (await host.libvirt.listNetworks()).filter((x) => x.owner === lab)) {
    if (n.active) await host.libvirt.destroyNetwork(n.name);
    await host.libvirt.undefineNetwork(n.name);
    r.removed.push(`libvirt network ${n.name}: stopped and undefined`);
  }
  for (const rule of (await chainRules(host)).filter((x) => x.comment === tag)) {
    await host.iptables.delete(rule.table, rule.chain, rule.spec);
    r.removed.push(`iptables -t ${rule.table} ${rule.line}: deleted`);
  }
  for (const table of facts?.createdTables ?? []) {
    if (await host.iptables.dropTableIfEmpty(table as 'nat' | 'filter')) r.removed.push(`iptables table ${table} (created by this lab): removed`);
  }
  let links = await host.ip.listLinks();
  const bridges = links.filter((l) => l.kind === 'bridge' && l.alias === tag);
  for (const b of bridges) {
    const nics = links.filter((l) => l.master === b.name && l.kind !== 'tun');
    if (!nics.length) continue;
    const rec = facts?.uplinks.find((u) => u.bridge === b.name);
    if (!rec || !nics.every((n) => n.name === rec.uplink)) {
      r.refused.push(
        `bridge ${b.name}: holds ${nics.map((n) => n.name).join(', ')} and ${facts ? 'the undo-facts record has no way back for it' : `the undo-facts record (${paths.undoFacts}) is gone`}; not deleted, so the host keeps its network. Move the NIC back by hand (ip link set NIC nomaster, then its addresses and routes on it), then run the sweep again`,
      );
      continue;
    }
    r.removed.push(await detachUplink(host, rec));
  }
  if (facts?.forward) {
    const f = facts.forward;
    const now = await host.sysctl.get(f.key).catch(() => undefined);
    if (f.previous === f.value) r.removed.push(`${f.key}: was already ${f.value} before the lab, left as is`);
    else if (opts.forwardingNeededElsewhere) r.removed.push(`${f.key}: left at ${now} (another vlab lab needs it)`);
    else if (now !== f.value) r.removed.push(`${f.key}: now ${now}, not what the lab set; left as is`);
    else {
      await host.sysctl.set(f.key, f.previous);
      r.removed.push(`${f.key}: restored to ${f.previous}`);
    }
  } else if (!facts) r.notes.push(`net.ipv4.ip_forward: left as it is (no undo-facts record says what it was before the lab)`);
  links = await host.ip.listLinks();
  for (const b of bridges) {
    if (r.refused.some((x) => x.startsWith(`bridge ${b.name}:`)) || !links.some((l) => l.name === b.name)) continue;
    await host.ip.deleteLink(b.name);
    r.removed.push(`bridge ${b.name}: deleted`);
  }
  if (!r.refused.length) {
    if (host.files.exists(paths.dir)) r.removed.push(`${paths.dir}: removed (overlays, seed ISOs, keys, console logs, the broken state)`);
    host.files.remove(paths.dir);
  }
  return r;
}
