import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { stateRootFromEnv } from '../context.js';
import { selectLabFile } from '../lab-select.js';
import { formatDoctor } from '../doctor-report.js';
import { ExitCode } from '../exit-codes.js';
import { labDoctor } from '../../lab/doctor.js';
import { loadLabFile } from '../../lab/lab-file.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description("check this host for labs (libvirt, qemu, KVM, firewall, tools, state root, disk, memory) and list what labs left behind; with -f or --lab, the lab's needs too")
    .option('--json', 'print the report as JSON (docs/doctor.md describes it)')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      // The lab's needs only when -f or --lab was given: the default ./vlab.yaml is not asked for.
      const uri = g.connect ?? 'qemu:///system';
      const loaded = g.fileGiven || g.lab !== undefined ? loadLabFile(selectLabFile(cmd)) : undefined;
      const r = await labDoctor({ host: createHostFromCommand(g), root: stateRootFromEnv(), uri, ...(loaded ? { loaded } : {}) });
      process.stdout.write(opts.json ? JSON.stringify(r, null, 2) + '\n' : formatDoctor(r, { quiet: g.quiet }));
      if (r.status === 'fail') process.exitCode = ExitCode.host;
    });
}
