import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { labNameFrom } from '../lab-state.js';
import { stateRootFromEnv } from '../context.js';
import { renderEvents } from '../../ui/progress.js';
import { labDown } from '../../lab/down.js';
import { labSweep } from '../../lab/sweep.js';
import { printSweep } from '../reports.js';
import { HostError } from '../../errors.js';

export function registerDown(program: Command): void {
  program
    .command('down [lab]')
    .description('remove the lab and every host change it made (from its journal; the lab file is optional)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--sweep', 'the journal is lost or corrupt: remove exactly what is tagged for the lab (see `vlab doctor`), never anything untagged')
    .action(async (labArg: string | undefined, opts: { json?: boolean; sweep?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = labNameFrom(labArg, g);
      if (opts.sweep)
        return printSweep(await labSweep({ lab, host: createHostFromCommand(g), root: stateRootFromEnv(), onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }) }), g, opts);
      const r = await labDown({ lab, host: createHostFromCommand(g), root: stateRootFromEnv(), onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }) });
      if (!r.wasUp) {
        if (opts.json) process.stdout.write(JSON.stringify({ lab, wasUp: false, undone: [], failed: [] }) + '\n');
        else if (!g.quiet) process.stdout.write(`Lab '${lab}' is not up; nothing to do.\n`);
        return;
      }
      if (opts.json) process.stdout.write(JSON.stringify({ lab, wasUp: true, undone: r.undone, failed: r.failed }, null, 2) + '\n');
      else if (g.verbose) for (const l of r.undone) process.stdout.write(`  ${l}\n`);
      if (r.failed.length) {
        throw new HostError(
          `lab '${lab}': ${r.failed.length} object${r.failed.length === 1 ? '' : 's'} could not be removed:\n  - ${r.failed.map((f) => `${f.id}: ${f.error}`).join('\n  - ')}`,
          'fix the cause and run `vlab down` again: the journal keeps what is left',
        );
      }
      if (!opts.json && !g.quiet) process.stdout.write(`Lab '${lab}' is down; the host is as it was before \`up\`.\n`);
    });
}
