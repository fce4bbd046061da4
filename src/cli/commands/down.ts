import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { labNameFrom, storeFor } from '../lab-state.js';
import { acquireLock } from '../../state/lock.js';
import { applyDown } from '../../apply/down.js';
import { createProgress } from '../../ui/progress.js';
import { HostError } from '../../errors.js';
import { listLabs, type LabSummary } from '../../state/store.js';

export function registerDown(program: Command): void {
  program
    .command('down [lab]')
    .description('remove the lab and every host change it made (from its journal; the lab file is optional)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (labArg: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = labNameFrom(labArg, g);
      const store = storeFor(lab);
      acquireLock(store.paths.lock, lab);
      const state = store.load();
      if (!state) {
        if (opts.json) process.stdout.write(JSON.stringify({ lab, wasUp: false, undone: [], failed: [] }) + '\n');
        else process.stdout.write(`Lab '${lab}' is not up; nothing to do.\n`);
        return;
      }
      const host = createHostFromCommand(g);
      const root = path.dirname(store.paths.dir);
      const others = listLabs(root).filter((n) => n !== lab);
      const forwardingNeededElsewhere = others.some((n) => {
        try {
          return (JSON.parse(fs.readFileSync(path.join(root, n, 'lab.json'), 'utf8')) as LabSummary).needsForwarding;
        } catch {
          return false;
        }
      });
      const report = await applyDown(host, store, state, { progress: createProgress({ quiet: !!g.quiet || !!opts.json }), forwardingNeededElsewhere });
      if (opts.json) process.stdout.write(JSON.stringify({ lab, wasUp: true, ...report }, null, 2) + '\n');
      else if (g.verbose) for (const l of report.undone) process.stdout.write(`  ${l}\n`);
      if (report.failed.length) {
        throw new HostError(
          `lab '${lab}': ${report.failed.length} object${report.failed.length === 1 ? '' : 's'} could not be removed:\n  - ${report.failed.map((f) => `${f.id}: ${f.error}`).join('\n  - ')}`,
          'fix the cause and run `vlab down` again: the journal keeps what is left',
        );
      }
      if (!opts.json && !g.quiet) process.stdout.write(`Lab '${lab}' is down; the host is as it was before \`up\`.\n`);
    });
}
