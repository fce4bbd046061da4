import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { factsFor, loadLab } from '../context.js';
import { planLab } from '../../plan/planner.js';
import { formatPlan, planToJson } from '../format-plan.js';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show every change `vlab up` would make, without making any')
    .option('--json', 'print the plan as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const loaded = loadLab(g);
      const host = createHostFromCommand(g, true);
      const plan = await planLab(loaded.lab, await factsFor(loaded, host));
      process.stdout.write((opts.json ? JSON.stringify(planToJson(plan), null, 2) : formatPlan(plan, { verbose: !!g.verbose })) + '\n');
      if (plan.conflicts.length) process.exitCode = 3;
    });
}
