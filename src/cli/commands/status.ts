import path from 'node:path';
import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { labNameFrom, requireState } from '../lab-state.js';
import { sshKeysOf } from '../../host/lab-exec.js';
import { domainName } from '../../render/domain-xml.js';
import { libvirtNetworkName } from '../../render/network-xml.js';
import { consoleLogPath } from '../../plan/paths.js';
import { parseGuestNics } from '../../apply/guest-addresses.js';
import { listLabs, StateStore } from '../../state/store.js';
import { pathsFor } from '../context.js';
import { table } from '../summary-table.js';

export function registerStatus(program: Command): void {
  program
    .command('status [lab]')
    .description('networks and guests of an up lab, as the host sees them now')
    .option('--json', 'print as JSON')
    .action(async (labArg: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const { state, store } = requireState(labNameFrom(labArg, g));
      const host = createHostFromCommand(g);
      const lab = state.spec;
      const [links, addrs, lvNets] = await Promise.all([host.ip.listLinks(), host.ip.listAddresses(), host.libvirt.listNetworks()]);
      const networks = lab.networks.map((n) => {
        const lv = lvNets.find((x) => x.name === libvirtNetworkName(lab, n));
        return {
          name: n.name,
          bridge: n.bridge,
          bridgePresent: links.some((l) => l.name === n.bridge),
          cidr: n.cidr ?? null,
          gateway: n.gateway ?? null,
          gatewayPresent: !n.gateway || addrs.some((a) => a.ifname === n.bridge && a.cidr.startsWith(`${n.gateway}/`)),
          nat: n.nat,
          uplink: n.uplink ?? null,
          libvirtNetwork: lv ? (lv.active ? 'active' : 'inactive') : 'missing',
        };
      });
      const exec = host.labExec(sshKeysOf(state.entries));
      const guests = await Promise.all(
        lab.guests.map(async (guest) => {
          const dom = domainName(lab, guest);
          const st = await host.libvirt.domainState(dom);
          let addresses: string[] = [];
          if (st === 'running') {
            const r = await exec.exec(dom, ['/bin/sh', '-c', 'ip -o link; ip -o -4 addr'], { timeoutMs: 5000 }).catch(() => undefined);
            if (r?.exitCode === 0) addresses = parseGuestNics(r.stdout).flatMap((n) => n.addresses.filter((a) => !a.startsWith('127.')));
          }
          return { name: guest.name, domain: dom, state: st, exec: exec.transport(dom), addresses, console: consoleLogPath(store.paths, guest.name) };
        }),
      );
      const hostSideMissing = networks.some((n) => !n.bridgePresent || !n.gatewayPresent || n.libvirtNetwork !== 'active');
      const out = {
        lab: state.lab,
        labFile: state.labFile,
        accel: state.accel,
        createdAt: state.createdAt,
        persisted: state.persist ?? null,
        hostSideInPlace: !hostSideMissing,
        networks,
        guests,
      };
      if (opts.json) {
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
        return;
      }
      process.stdout.write(`Lab '${state.lab}' (${state.accel}, up since ${state.createdAt}, file ${state.labFile})\npersisted: ${state.persist ?? 'no'}\n\nNetworks:\n`);
      process.stdout.write(
        table([
          ['NAME', 'BRIDGE', 'CIDR', 'GATEWAY', 'NAT', 'LIBVIRT'],
          ...networks.map((n) => [
            n.name,
            `${n.bridge}${n.bridgePresent ? '' : ' (missing)'}`,
            n.cidr ?? '-',
            `${n.gateway ?? '-'}${n.gatewayPresent ? '' : ' (missing)'}`,
            n.nat ? 'yes' : 'no',
            n.libvirtNetwork,
          ]),
        ]) + '\n\nGuests:\n',
      );
      process.stdout.write(table([['NAME', 'STATE', 'ADDRESSES', 'CONSOLE LOG'], ...guests.map((x) => [x.name, x.state, x.addresses.join(', ') || '-', x.console])]) + '\n');
      if (hostSideMissing)
        process.stdout.write(
          `\nThe lab's host side is not (fully) in place (after a reboot?): run \`vlab restore ${state.lab}\` to bring it back, or \`vlab down ${state.lab}\` to remove the rest.\n`,
        );
    });
}

export function registerLs(program: Command): void {
  program
    .command('ls')
    .description('list the labs that are up on this host')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      const root = path.dirname(pathsFor('x').dir);
      const labs = listLabs(root).map((name) => {
        const s = new StateStore(pathsFor(name)).load()!;
        return { name, guests: s.spec.guests.map((x) => x.name), networks: s.spec.networks.map((n) => n.cidr ?? n.bridge), createdAt: s.createdAt, labFile: s.labFile };
      });
      if (opts.json) process.stdout.write(JSON.stringify(labs, null, 2) + '\n');
      else if (!labs.length) process.stdout.write(`No labs are up (state dir ${root}).\n`);
      else
        process.stdout.write(
          table([['LAB', 'GUESTS', 'NETWORKS', 'UP SINCE', 'LAB FILE'], ...labs.map((l) => [l.name, l.guests.join(','), l.networks.join(','), l.createdAt, l.labFile])]) + '\n',
        );
    });
}
