import { Option, type Command } from 'commander';
import { createHostFromCommand, globals, seconds } from '../options.js';
import { selectGuestLab } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { printColdReset, printSnapshotRestored } from '../reports.js';
import { renderEvents } from '../../ui/progress.js';
import { labColdReset, labReset } from '../../lab/reset.js';

export function registerReset(program: Command): void {
  program
    .command('reset')
    .argument('[guests...]', 'only these guests (default: all)')
    .description('put the lab (or only the guests named) back to the `ready` checkpoint `up` took: memory and disk, no reboot; the host side is repaired first')
    .option('--cold', 'boot the guests on fresh disks over the configuration up wrote (no memory kept; deletes the snapshots that held them)')
    .addOption(new Option('--timeout <seconds>', 'how long each guest may take to show its addresses again (default: 60, with --cold 300)').argParser(seconds()))
    .option('--json', 'print the result as JSON on stdout')
    .action(async (guests: string[], opts: { cold?: boolean; timeout?: number; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = selectGuestLab(cmd, guests[0], (l) => `reset --lab ${l} ${guests.slice(1).join(' ')}`.trimEnd());
      const req = {
        lab,
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        guests,
        readyTimeoutSec: opts.timeout ?? (opts.cold ? 300 : 60),
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      };
      if (opts.cold) return printColdReset(await labColdReset(req), g, opts);
      printSnapshotRestored(await labReset(req), g, opts);
    });
}
