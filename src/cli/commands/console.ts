/** `vlab console GUEST [--log]`: a guest's serial console, or what it wrote there. */
import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { selectGuestLab } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { labConsole, labConsoleLog } from '../../lab/console.js';
import { UsageError } from '../../errors.js';

export function registerConsole(program: Command): void {
  program
    .command('console')
    .argument('<guest>', 'the guest')
    .description("attach to a guest's serial console (virsh console; Ctrl+] leaves), or print its console log with --log")
    .option('--log', "print the guest's console log (everything it wrote to its serial console since up) instead of attaching")
    .option('--json', 'with --log: print { guest, path, text } as JSON')
    .action(async (guest: string, opts: { log?: boolean; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = selectGuestLab(cmd, guest, (l) => `console --lab ${l} GUEST`);
      if (opts.json && !opts.log) throw new UsageError('--json goes with --log: an attached console is not JSON', `vlab console ${guest} --log --json`);
      const req = { lab, guest, host: createHostFromCommand(g), root: stateRootFromEnv() };
      if (opts.log) {
        const log = labConsoleLog(req);
        process.stdout.write(opts.json ? JSON.stringify(log, null, 2) + '\n' : log.text);
        return;
      }
      if (!g.quiet) process.stderr.write(`Connected to ${guest}'s serial console; Ctrl+] leaves it.\n`);
      await labConsole(req);
    });
}
