import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { selectLabFile } from '../lab-select.js';
import { checkLabFile } from '../../lab/lab-file.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the lab file, its images and domain templates without touching the host: every problem in one run; exit 0 or 2')
    .option('--json', 'print { ok, problems: [{ file, line, column, path, message, fix }] } (also when the file is invalid)')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      // An invalid file throws a ValidationError with every problem: main.ts prints it (with --json, as { ok: false, problems }).
      const { loaded } = await checkLabFile(selectLabFile(cmd), createHostFromCommand(g, true));
      const { lab } = loaded;
      if (opts.json) process.stdout.write(JSON.stringify({ ok: true, lab: lab.name, file: loaded.file, problems: [] }) + '\n');
      else if (!g.quiet)
        process.stdout.write(
          `${loaded.file}: lab '${lab.name}' is valid (${lab.networks.length} network${lab.networks.length === 1 ? '' : 's'}, ${lab.guests.length} guest${lab.guests.length === 1 ? '' : 's'})\n`,
        );
    });
}
