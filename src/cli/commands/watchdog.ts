import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { watchdog } from '../../lab/watchdog.js';

/** Internal: the detached uplink watchdog `vlab up` starts (not for people). */
export function registerWatchdog(program: Command): void {
  program
    .command('__uplink-watchdog <file>', { hidden: true })
    .description('internal: roll a bridged uplink back unless vlab confirms it in time')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const result = await watchdog(createHostFromCommand(globals(cmd)), file);
      process.stdout.write(result + '\n');
    });
}
