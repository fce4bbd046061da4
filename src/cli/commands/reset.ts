import type { Command } from 'commander';
import { createHostFromCommand, globals, secondsOption } from '../options.js';
import { labNameFrom } from '../lab-state.js';
import { stateRootFromEnv } from '../context.js';
import { printSnapshotRestored } from '../reports.js';
import { renderEvents } from '../../ui/progress.js';
import { labReset } from '../../lab/reset.js';

export function registerReset(program: Command): void {
  program
    .command('reset [guests...]')
    .description('put the lab (or only the guests named) back to the `ready` checkpoint `up` took: memory and disk, no reboot; the host side is repaired first')
    .option('--lab <name>', "the lab (default: the lab file's name)")
    .option('--timeout <seconds>', 'how long each guest may take to show its addresses again', '60')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (guests: string[], opts: { lab?: string; timeout: string; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const readyTimeoutSec = secondsOption('--timeout', opts.timeout);
      const r = await labReset({
        lab: labNameFrom(opts.lab, g),
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        guests,
        readyTimeoutSec,
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      });
      printSnapshotRestored(r, g, opts);
    });
}
