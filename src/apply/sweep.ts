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

/** A rule of the chains vlab writes to (nat POSTROUTING, filter FORWARD), with its comment. */
export interface ChainRule {
  table: 'nat' | 'filter';
  chain: string;
  /** The `iptables -S` line. */
  line: string;
  /** The rule spec without `-A CHAIN`: what `iptables -D` takes. */
  spec: string[];
  /** The `--comment` value, if any (`vlab:LAB` on vlab's rules). */
  comment?: string;
}

/** Every rule of the chains vlab writes to; `tolerant`: a chain that cannot be read counts as empty (else it throws). */
export async function chainRules(host: Pick<Host, 'iptables'>, opts: { tolerant?: boolean } = {}): Promise<ChainRule[]> {
  const out: ChainRule[] = [];
  for (const [table, chain] of [
    ['nat', 'POSTROUTING'],
    ['filter', 'FORWARD'],
  ] as const) {
    const lines = opts.tolerant ? await host.iptables.rules(table, chain).catch(() => [] as string[]) : await host.iptables.rules(table, chain);
    for (const line of lines) {
      const argv = splitRuleLine(line);
      const i = argv.indexOf('--comment');
      const comment = i >= 0 ? argv[i + 1] : undefined;
      out.push({ table, chain, line, spec: argv.slice(2), ...(comment !== undefined ? { comment } : {}) });
    }
  }
  return out;
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
  for (const r of (await chainRules(host, { tolerant: true })).filter((x) => x.comment === tag)) {
    await host.iptables.delete(r.table, r.chain, r.spec);
    done.push(`iptables -t ${r.table} ${r.line} (tagged, not in the journal): deleted`);
  }
  for (const l of (await host.ip.listLinks()).filter((x) => x.alias === tag && x.kind === 'bridge')) {
    await host.ip.deleteLink(l.name);
    done.push(`bridge ${l.name} (tagged, not in the journal): deleted`);
  }
  return done;
}
