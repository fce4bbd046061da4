import type { Command } from 'commander';
import { createHostFromCommand, globals, secondsOption } from '../options.js';
import { labNameFrom } from '../lab-state.js';
import { stateRootFromEnv } from '../context.js';
import { printColdReset, printSnapshotRestored } from '../reports.js';
import { renderEvents } from '../../ui/progress.js';
import { labColdReset, labReset } from '../../lab/reset.js';

export function registerReset(program: Command): void {
  program
    .command('reset [guests...]')
    .description('put the lab (or only the guests named) back to the `ready` checkpoint `up` took: memory and disk, no reboot; the host side is repaired first')
    .option('--lab <name>', "the lab (default: the lab file's name)")
    .option('--cold', 'boot the guests on fresh disks over the configuration up wrote (no memory kept; deletes the snapshots that held them)')
    .option('--timeout <seconds>', 'how long each guest may take to show its addresses again (default: 60, with --cold 300)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (guests: string[], opts: { lab?: string; cold?: boolean; timeout?: string; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const readyTimeoutSec = secondsOption('--timeout', opts.timeout ?? (opts.cold ? '300' : '60'));
      const req = {
        lab: labNameFrom(opts.lab, g),
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        guests,
        readyTimeoutSec,
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      };
      if (opts.cold) return printColdReset(await labColdReset(req), g, opts);
      printSnapshotRestored(await labReset(req), g, opts);
    });
}
