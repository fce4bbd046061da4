import { Option, type Command } from 'commander';
import { globals } from '../options.js';
import { labInit } from '../../lab/init.js';
import { LAB_TEMPLATES, type LabTemplate } from '../../lab/lab-templates.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write an example lab file, with the schema line for editors (refuses to overwrite without --force; missing folders are made)')
    .addOption(
      new Option('--template <name>', 'seed: two guests on a NAT network; two-nets: a router between a NAT and an isolated network; uplink: a guest on the LAN')
        .choices(LAB_TEMPLATES)
        .default('seed'),
    )
    .option('--force', 'overwrite an existing file')
    .option('--json', 'print { file, template, name } as JSON')
    .action((opts: { template: LabTemplate; force?: boolean; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const r = labInit({ file: g.file, template: opts.template, ...(g.lab ? { name: g.lab } : {}), ...(opts.force ? { force: true } : {}) });
      if (opts.json) return void process.stdout.write(JSON.stringify(r) + '\n');
      if (g.quiet) return;
      process.stdout.write(`wrote ${r.file} (lab '${r.name}', template ${r.template})\nnext: vlab image build tiny && vlab plan && vlab up\n`);
    });
}
