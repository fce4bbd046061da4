/**
 * Undoes one journal entry. Tolerates objects already gone (removed by hand, or never made
 * because vlab was killed right after recording), and refuses to remove what is not tagged as
 * this lab's.
 */
import { labTag } from '../plan/tags.js';
import type { Host } from '../host/index.js';
import type { JournalEntry } from '../state/store.js';
import { HostError, HostUnreachableError } from '../errors.js';
import { ownerOf } from '../host/libvirt/parse.js';
import { detachUplink } from './uplink.js';
import { undoPersistAutostart, undoPersistFile } from './persist-entries.js';

export interface UndoContext {
  lab: string;
  /** Whether another lab on this host still needs ip_forward on. */
  forwardingNeededElsewhere: boolean;
  /** Absolute state dir: files vlab may delete live under it. */
  stateDir: string;
  /** True when `e` is the last rule of its table still to undo (so the table may go now). */
  lastOfTable: (e: JournalEntry) => boolean;
}

/** The lab in a domain's owner tag, from its own definition (one call, where listing every domain costs one per domain). */
async function domainOwner(host: Host, name: string): Promise<string | undefined> {
  return ownerOf(await host.libvirt.domainXml(name));
}

/** Returns a line describing what was done (or skipped). Throws HostError when something could not be removed. */
export async function undoEntry(host: Host, e: JournalEntry, ctx: UndoContext): Promise<string> {
  const d = e.details;
  const tag = labTag(ctx.lab);
  switch (d.kind) {
    case 'domain.start':
    case 'domain.define': {
      const state = await host.libvirt.domainState(d.name);
      if (state === 'missing') return `domain ${d.name}: already gone`;
      const owner = await domainOwner(host, d.name);
      if (owner !== ctx.lab)
        throw new HostError(`domain ${d.name} is not tagged as lab '${ctx.lab}''s (owner: ${owner ?? 'none'}); not removing it`, 'remove it by hand if you are sure it is stale');
      if (state === 'running' || state === 'paused') await host.libvirt.destroyDomain(d.name);
      if (d.kind === 'domain.start') return `domain ${d.name}: stopped`;
      await host.libvirt.undefineDomain(d.name);
      return `domain ${d.name}: destroyed and undefined`;
    }
    case 'snapshot': {
      const gone: string[] = [];
      // Multi-host labs: a guest on a host that cannot be reached keeps its part (the entry stays,
      // and a later down finishes); every reachable guest's part goes now.
      let unreachable: HostUnreachableError | undefined;
      for (const g of d.guests) {
        try {
          if ((await host.libvirt.domainState(g.domain)) === 'missing') continue;
          const owner = await domainOwner(host, g.domain);
          if (owner !== ctx.lab)
            throw new HostError(
              `domain ${g.domain} is not tagged as lab '${ctx.lab}''s (owner: ${owner ?? 'none'}); not touching its snapshots`,
              'remove it by hand if you are sure it is stale',
            );
          if ((await host.libvirt.listSnapshots(g.domain)).includes(d.name)) {
            await host.libvirt.deleteSnapshot(g.domain, d.name);
            gone.push(g.guest);
          }
        } catch (err) {
          if (!(err instanceof HostUnreachableError)) throw err;
          unreachable ??= err;
        }
      }
      if (unreachable) throw unreachable;
      return `snapshot ${d.name}: ${gone.length ? `deleted from ${gone.join(', ')}` : 'already gone'}`;
    }
    case 'disk.overlay':
    case 'disk.top':
      if (!d.overlay.startsWith(ctx.stateDir + '/')) throw new HostError(`overlay ${d.overlay} is outside the lab's state dir; not removing it`);
      host.files.remove(d.overlay);
      return `overlay ${d.overlay}: removed`;
    case 'libvirt.network': {
      const n = (await host.libvirt.listNetworks()).find((x) => x.name === d.name);
      if (!n) return `libvirt network ${d.name}: already gone`;
      if (n.owner !== ctx.lab)
        throw new HostError(`libvirt network ${d.name} is not tagged as lab '${ctx.lab}''s; not removing it`, 'remove it by hand if you are sure it is stale');
      if (n.active) await host.libvirt.destroyNetwork(d.name);
      await host.libvirt.undefineNetwork(d.name);
      return `libvirt network ${d.name}: stopped and undefined`;
    }
    case 'iptables.rule': {
      if (!d.rule.spec.includes(tag)) throw new HostError(`iptables rule ${d.rule.spec.join(' ')} has no ${tag} tag; not removing it`);
      let removed = 0;
      while (await host.iptables.exists(d.rule.table, d.rule.chain, d.rule.spec)) {
        await host.iptables.delete(d.rule.table, d.rule.chain, d.rule.spec);
        if (++removed > 16) break;
      }
      let line = `iptables -t ${d.rule.table} ${d.rule.chain} ${d.rule.spec.join(' ')}: ${removed ? 'deleted' : 'already gone'}`;
      if (d.tableExisted === false && ctx.lastOfTable(e)) {
        line += (await host.iptables.dropTableIfEmpty(d.rule.table))
          ? `; table ${d.rule.table} (created by this lab) removed`
          : `; table ${d.rule.table} left in place (not empty, or not the nf_tables backend)`;
      }
      return line;
    }
    case 'sysctl.forward': {
      if (d.previous === d.value) return `${d.key}: was already ${d.value}, left as is`;
      if (ctx.forwardingNeededElsewhere) return `${d.key}: left at ${d.value} (another vlab lab needs it)`;
      await host.sysctl.set(d.key, d.previous);
      return `${d.key}: restored to ${d.previous}`;
    }
    case 'bridge.address':
      return `address ${d.cidr} on ${d.bridge}: goes with the bridge`;
    case 'uplink.attach':
      return detachUplink(host, d);
    case 'bridge.create': {
      const links = await host.ip.listLinks();
      const link = links.find((l) => l.name === d.bridge);
      if (!link) return `bridge ${d.bridge}: already gone`;
      // A pending entry with no alias yet: vlab was killed between `ip link add` and tagging it.
      const ours = link.alias === d.alias || (e.status === 'pending' && !link.alias && link.kind === 'bridge');
      if (!ours)
        throw new HostError(`bridge ${d.bridge} is not tagged ${d.alias} (alias: ${link.alias ?? 'none'}); not removing it`, 'remove it by hand if you are sure it is stale');
      await host.ip.deleteLink(d.bridge);
      return `bridge ${d.bridge}: deleted`;
    }
    case 'vxlan.create': {
      const link = (await host.ip.listLinks()).find((l) => l.name === d.name);
      if (!link) return `VXLAN ${d.name}: already gone`;
      const ours = link.alias === d.alias || (e.status === 'pending' && !link.alias && link.kind === 'vxlan');
      if (!ours) throw new HostError(`link ${d.name} is not tagged ${d.alias} (alias: ${link.alias ?? 'none'}); not removing it`, 'remove it by hand if you are sure it is stale');
      await host.ip.deleteLink(d.name);
      return `VXLAN ${d.name}: deleted${d.moduleLoaded ? '' : ' (the kernel module vxlan stays loaded)'}`;
    }
    case 'disk.copy': {
      const mine = d.files.filter((f) => f.startsWith(ctx.stateDir + '/'));
      for (const f of mine) host.files.remove(f);
      return `copies on the host of ${d.guest}: ${mine.join(', ') || 'none'} removed (its image copies, ${[d.base, ...(d.boot ?? [])].map((c) => c.to).join(', ')}, stay in that host's image cache)`;
    }
    case 'guest.config':
      if (d.seedIso) {
        if (!d.seedIso.startsWith(ctx.stateDir + '/')) throw new HostError(`seed ISO ${d.seedIso} is outside the lab's state dir; not removing it`);
        host.files.remove(d.seedIso);
        return `seed ISO ${d.seedIso}: removed`;
      }
      return `${e.id}: goes with the overlay`;
    case 'guest.ready':
      return `${e.id}: nothing to undo`;
    case 'ssh.keys':
      if (!d.dir.startsWith(ctx.stateDir + '/')) throw new HostError(`SSH key folder ${d.dir} is outside the lab's state dir; not removing it`);
      host.files.remove(d.dir);
      return `SSH keys ${d.dir}: removed`;
    case 'persist.file':
      return undoPersistFile(host, d, ctx.lab);
    case 'persist.autostart':
      return undoPersistAutostart(host, d, ctx.lab);
  }
}
