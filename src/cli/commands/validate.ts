import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { loadLabFile, resolveLabImages } from '../../lab/lab-file.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the lab file (and its images) without touching the host; exit 0 or 2')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const loaded = loadLabFile(g.file);
      await resolveLabImages(loaded, createHostFromCommand(g, true));
      const { lab } = loaded;
      if (opts.json) process.stdout.write(JSON.stringify({ ok: true, lab: lab.name, file: loaded.file, problems: [] }) + '\n');
      else
        process.stdout.write(
          `${loaded.file}: lab '${lab.name}' is valid (${lab.networks.length} network${lab.networks.length === 1 ? '' : 's'}, ${lab.guests.length} guest${lab.guests.length === 1 ? '' : 's'})\n`,
        );
    });
}
