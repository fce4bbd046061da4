import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { refuseLab, selectLab, wholeLabArgument } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { table } from '../table.js';
import { labList, labStatus } from '../../lab/status.js';

export function registerStatus(program: Command): void {
  wholeLabArgument(program.command('status'))
    .description('networks and guests of an up lab, as the host sees them now')
    .option('--json', 'print as JSON')
    .action(async (labArg: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const s = await labStatus({ lab: selectLab(cmd, labArg), host: createHostFromCommand(g), root: stateRootFromEnv() });
      if (opts.json) {
        process.stdout.write(JSON.stringify(s, null, 2) + '\n');
        return;
      }
      process.stdout.write(`Lab '${s.lab}' (${s.accel}, up since ${s.createdAt}, file ${s.labFile})\npersisted: ${s.persisted ?? 'no'}\n\nNetworks:\n`);
      process.stdout.write(
        table([
          ['NAME', 'BRIDGE', 'CIDR', 'GATEWAY', 'NAT', 'LIBVIRT'],
          ...s.networks.map((n) => [
            n.name,
            `${n.bridge}${n.bridgePresent ? '' : ' (missing)'}`,
            n.cidr ?? '-',
            `${n.gateway ?? '-'}${n.gatewayPresent ? '' : ' (missing)'}`,
            n.nat ? 'yes' : 'no',
            n.libvirtNetwork,
          ]),
        ]) + '\n\nGuests:\n',
      );
      process.stdout.write(table([['NAME', 'STATE', 'ADDRESSES', 'CONSOLE LOG'], ...s.guests.map((x) => [x.name, x.state, x.addresses.join(', ') || '-', x.console])]) + '\n');
      if (!s.hostSideInPlace && !g.quiet)
        process.stdout.write(
          `\nThe lab's host side is not (fully) in place (after a reboot?): run \`vlab restore ${s.lab}\` to bring it back, or \`vlab down ${s.lab}\` to remove the rest.\n`,
        );
    });
}

export function registerLs(program: Command): void {
  program
    .command('ls')
    .description('list the labs that are up on this host')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      refuseLab(cmd, 'it lists every lab (`vlab status LAB` shows one)');
      const g = globals(cmd);
      const root = stateRootFromEnv();
      const labs = labList(root);
      if (opts.json) process.stdout.write(JSON.stringify(labs, null, 2) + '\n');
      else if (!labs.length) {
        if (!g.quiet) process.stdout.write(`No labs are up (state dir ${root}).\n`);
      } else {
        process.stdout.write(
          table([
            ['LAB', 'GUESTS', 'NETWORKS', 'UP SINCE', 'LAB FILE'],
            ...labs.map((l) =>
              l.error ? [l.name, '?', '?', '?', `unreadable state: ${l.error.message}`] : [l.name, l.guests.join(','), l.networks.join(','), l.createdAt, l.labFile],
            ),
          ]) + '\n',
        );
        for (const l of labs) if (l.error?.fix) process.stdout.write(`${l.name}: ${l.error.fix}\n`);
      }
    });
}
