/** Actions for the host side of a lab: bridges, addresses, forwarding, iptables rules, libvirt networks. Pure. */
import type { Lab, LabNetwork } from '../spec/types.js';
import type { HostFacts } from './facts.js';
import type { Action, IptablesRule } from './types.js';
import { commentArgs, labTag } from './tags.js';
import { libvirtNetworkName, renderNetworkXml } from '../render/network-xml.js';
import { planUplinkMove } from './uplink.js';

const FORWARD_KEY = 'net.ipv4.ip_forward';

/** `-S` form of a rule spec, as `iptables -S CHAIN` prints it, for comparison with facts. */
export function ruleLine(r: IptablesRule): string {
  return ['-A', r.chain, ...r.spec].join(' ');
}

function ruleExists(facts: HostFacts, r: IptablesRule): boolean {
  const lines = r.table === 'nat' ? facts.iptables.natPostrouting : facts.iptables.forward;
  const want = normaliseRule(ruleLine(r));
  return lines.some((l) => normaliseRule(l) === want);
}

/** iptables -S may quote the comment; specs are built in -S's own order (matches, comment, target). */
export function normaliseRule(line: string): string {
  return line.replace(/"/g, '').replace(/\s+/g, ' ').trim();
}

export function masqueradeRule(lab: Lab, net: LabNetwork): IptablesRule {
  return { table: 'nat', chain: 'POSTROUTING', position: 'append', spec: ['-s', net.cidr!, '!', '-d', net.cidr!, ...commentArgs(lab.name), '-j', 'MASQUERADE'] };
}

/** Rules for the filter FORWARD chain: isolation for networks without NAT, accepts where the policy drops. */
function forwardRules(lab: Lab, net: LabNetwork, facts: HostFacts): { rule: IptablesRule; why: string }[] {
  const c = commentArgs(lab.name);
  const br = net.bridge;
  const out: { rule: IptablesRule; why: string }[] = [];
  const rule = (match: string[], target: string[], why: string) =>
    out.push({ rule: { table: 'filter', chain: 'FORWARD', position: 'insert', spec: [...match, ...c, ...target] }, why });
  const reject = ['-j', 'REJECT', '--reject-with', 'icmp-port-unreachable'];
  const accept = ['-j', 'ACCEPT'];
  if (!net.nat && !net.uplink) {
    rule(['-i', br, '!', '-o', br], reject, `keep isolated network '${net.name}' from leaving its bridge`);
    rule(['!', '-i', br, '-o', br], reject, `keep other traffic out of isolated network '${net.name}'`);
  }
  if (facts.iptables.forwardPolicy === 'DROP') {
    rule(['-i', br, '-o', br], accept, `FORWARD policy is DROP: let guests on '${net.name}' reach each other`);
    if (net.nat) {
      rule(['-i', br, '!', '-o', br], accept, `FORWARD policy is DROP: let '${net.name}' out`);
      rule(['-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'], accept, `FORWARD policy is DROP: let replies back into '${net.name}'`);
    }
  }
  return out;
}

export async function hostActions(lab: Lab, facts: HostFacts): Promise<Action[]> {
  const actions: Action[] = [];
  const tag = labTag(lab.name);
  for (const net of lab.networks) {
    const link = facts.links.find((l) => l.name === net.bridge);
    const ours = link?.alias === tag;
    const createId = `bridge.create:${net.bridge}`;
    actions.push({
      id: createId,
      kind: 'bridge.create',
      target: net.bridge,
      description: `create bridge ${net.bridge} (STP off, forward delay 0, alias ${tag}) and bring it up`,
      dependsOn: [],
      satisfied: ours && link.up,
      details: { kind: 'bridge.create', bridge: net.bridge, alias: tag },
    });
    let last = createId;
    if (net.uplink) {
      const nic = facts.links.find((l) => l.name === net.uplink);
      const move = planUplinkMove(net, facts);
      const id = `uplink.attach:${net.bridge}`;
      actions.push({
        id,
        kind: 'uplink.attach',
        target: net.uplink,
        description:
          `move ${net.uplink} into bridge ${net.bridge} with its addresses (${move.addresses.map((a) => a.cidr).join(', ') || 'none'}) and routes in one \`ip -batch\`` +
          (facts.dhcpClients?.some((c) => c.ifname === net.uplink)
            ? `; its DHCP client (${facts.dhcpClients
                .filter((c) => c.ifname === net.uplink)
                .map((c) => c.argv[0])
                .join(', ')}) moves too`
            : '') +
          (move.check ? `, then prove ${move.check} still answers or roll back` : ', with no address to check (set uplink_check)'),
        dependsOn: [createId],
        satisfied: ours && nic?.master === net.bridge,
        details: {
          kind: 'uplink.attach',
          bridge: net.bridge,
          uplink: net.uplink,
          ...(nic?.mac ? { mac: nic.mac } : {}),
          attach: move.attach,
          detach: move.detach,
          ...(move.check ? { check: move.check } : {}),
        },
      });
      last = id;
    }
    if (net.gateway && net.prefix !== undefined && !net.uplink) {
      const cidr = `${net.gateway}/${net.prefix}`;
      const id = `bridge.address:${net.bridge}`;
      actions.push({
        id,
        kind: 'bridge.address',
        target: net.bridge,
        description: `add address ${cidr} to ${net.bridge}`,
        dependsOn: [createId],
        satisfied: ours && facts.addresses.some((a) => a.ifname === net.bridge && a.cidr === cidr),
        details: { kind: 'bridge.address', bridge: net.bridge, cidr },
      });
      last = id;
    }
    const rules = [...(net.nat ? [{ rule: masqueradeRule(lab, net), why: `NAT for ${net.cidr} leaving the network` }] : []), ...forwardRules(lab, net, facts)];
    for (const { rule, why } of rules) {
      const line = `iptables -t ${rule.table} ${rule.position === 'append' ? '-A' : '-I'} ${rule.chain} ${rule.spec.join(' ')}`;
      actions.push({
        id: `iptables.rule:${rule.table}:${rule.chain}:${rule.spec.join(' ')}`,
        kind: 'iptables.rule',
        target: `${rule.table}/${rule.chain}`,
        description: `${line}  (${why})`,
        dependsOn: [createId],
        satisfied: ruleExists(facts, rule),
        details: { kind: 'iptables.rule', rule, why, tableExisted: tableExisted(facts, rule.table) },
      });
    }
    const lvName = libvirtNetworkName(lab, net);
    const existing = facts.libvirt.networks.find((n) => n.name === lvName);
    actions.push({
      id: `libvirt.network:${lvName}`,
      kind: 'libvirt.network',
      target: lvName,
      description: `define and start libvirt network ${lvName} (forward mode bridge over ${net.bridge})`,
      dependsOn: [last],
      satisfied: !!existing && existing.owner === lab.name && existing.active,
      details: { kind: 'libvirt.network', name: lvName, xml: await renderNetworkXml(lab, net) },
    });
  }
  if (lab.networks.some((n) => n.nat)) {
    // ip_forward turned on by another lab that is up: this lab records the value from before that
    // lab too, so whichever lab goes down last puts it back.
    const setBy = facts.ipForward ? facts.otherLabs.find((o) => o.forwardPrevious === '0') : undefined;
    const previous = facts.ipForward && !setBy ? '1' : '0';
    actions.push({
      id: `sysctl.forward`,
      kind: 'sysctl.forward',
      target: FORWARD_KEY,
      description: `set ${FORWARD_KEY}=1 (now ${facts.ipForward ? `1${setBy ? `, turned on by lab ${setBy.name}` : ''}` : 0}; restored${setBy ? ' to 0' : ''} at down unless another lab needs it)`,
      dependsOn: lab.networks.filter((n) => n.nat).map((n) => `bridge.create:${n.bridge}`),
      satisfied: facts.ipForward && !setBy,
      details: { kind: 'sysctl.forward', key: FORWARD_KEY, value: '1', previous },
    });
  }
  return actions;
}

/** Whether an iptables table existed before vlab: present now, and not brought into being by another lab that is up. */
function tableExisted(facts: HostFacts, table: string): boolean {
  if (!(facts.iptables.tables?.includes(table) ?? true)) return false;
  return !facts.otherLabs.some((o) => o.createdTables?.includes(table));
}
