import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { selectLabFile } from '../lab-select.js';
import { sshClientFromEnv, stateRootFromEnv } from '../context.js';
import { formatPlan, planToJson } from '../format-plan.js';
import { ExitCode } from '../exit-codes.js';
import { checkLabFile } from '../../lab/lab-file.js';
import { labPlan } from '../../lab/plan.js';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show every change `vlab up` would make, without making any')
    .option('--json', 'print the plan as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const ssh = sshClientFromEnv();
      const host = createHostFromCommand(g, true);
      const { loaded, images } = await checkLabFile(selectLabFile(cmd), host);
      const plan = await labPlan({ loaded, images, host, root: stateRootFromEnv(), ...(ssh ? { sshClient: ssh } : {}) });
      process.stdout.write((opts.json ? JSON.stringify(planToJson(plan), null, 2) : formatPlan(plan, { verbose: !!g.verbose })) + '\n');
      if (plan.conflicts.length) process.exitCode = ExitCode.host;
    });
}
