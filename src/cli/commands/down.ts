import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { selectLab, wholeLabArgument } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { renderEvents } from '../../ui/progress.js';
import { labDown, labDownPreview } from '../../lab/down.js';
import { labSweep } from '../../lab/sweep.js';
import { printPreview, printSweep } from '../reports.js';
import { HostError, UsageError } from '../../errors.js';

export function registerDown(program: Command): void {
  wholeLabArgument(program.command('down'))
    .description('remove the lab and every host change it made (from its journal; the lab file is optional)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--dry-run', 'print what the journal would undo, in order (as `vlab plan` prints), and change nothing')
    .option('--sweep', 'the journal is lost or corrupt: remove exactly what is tagged for the lab (see `vlab doctor`), never anything untagged')
    .action(async (labArg: string | undefined, opts: { json?: boolean; sweep?: boolean; dryRun?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = selectLab(cmd, labArg);
      const root = stateRootFromEnv();
      if (opts.dryRun && opts.sweep)
        throw new UsageError('--dry-run shows what the journal would undo; --sweep works without a journal', '`vlab doctor` lists what a sweep would remove');
      if (opts.dryRun) {
        const plan = labDownPreview({ lab, root });
        if (!plan) {
          if (opts.json) process.stdout.write(JSON.stringify({ dryRun: true, lab, wasUp: false, actions: [] }) + '\n');
          else if (!g.quiet) process.stdout.write(`Lab '${lab}' is not up; down would do nothing.\n`);
          return;
        }
        return printPreview(plan, g, opts, {
          title: `Down preview for lab '${lab}' (state in ${plan.stateDir}): the journal, undone in this order:`,
          summary: (n) => `${n} journal entr${n === 1 ? 'y' : 'ies'} to undo; nothing was changed (--dry-run).`,
        });
      }
      if (opts.sweep) return printSweep(await labSweep({ lab, host: createHostFromCommand(g), root, onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }) }), g, opts);
      const r = await labDown({ lab, host: createHostFromCommand(g), root, onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }) });
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
