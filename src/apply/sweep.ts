/**
 * After the journal is replayed, `down` looks once more for anything still tagged as the lab's
 * (a domain whose define was in flight when vlab was killed, a rule from a lost journal write) and
 * removes it. Only tagged objects are touched: libvirt <metadata> owner, bridge alias, iptables comment.
 */
import type { Host } from '../host/index.js';
import { labTag } from '../plan/tags.js';

/** Splits an `iptables -S` line into argv (comments may be quoted). */
export function splitRuleLine(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

export async function sweepOwned(host: Host, lab: string): Promise<string[]> {
  const done: string[] = [];
  const tag = labTag(lab);
  for (const d of (await host.libvirt.listDomains()).filter((x) => x.owner === lab)) {
    if (d.active) await host.libvirt.destroyDomain(d.name);
    await host.libvirt.undefineDomain(d.name);
    done.push(`domain ${d.name} (tagged, not in the journal): removed`);
  }
  for (const n of (await host.libvirt.listNetworks()).filter((x) => x.owner === lab)) {
    if (n.active) await host.libvirt.destroyNetwork(n.name);
    await host.libvirt.undefineNetwork(n.name);
    done.push(`libvirt network ${n.name} (tagged, not in the journal): removed`);
  }
  for (const [table, chain] of [
    ['nat', 'POSTROUTING'],
    ['filter', 'FORWARD'],
  ] as const) {
    const rules = await host.iptables.rules(table, chain).catch(() => [] as string[]);
    for (const line of rules) {
      const argv = splitRuleLine(line);
      const i = argv.indexOf('--comment');
      if (i < 0 || argv[i + 1] !== tag) continue;
      await host.iptables.delete(table, chain, argv.slice(2));
      done.push(`iptables -t ${table} ${line} (tagged, not in the journal): deleted`);
    }
  }
  for (const l of (await host.ip.listLinks()).filter((x) => x.alias === tag && x.kind === 'bridge')) {
    await host.ip.deleteLink(l.name);
    done.push(`bridge ${l.name} (tagged, not in the journal): deleted`);
  }
  return done;
}
