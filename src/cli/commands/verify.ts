import type { Command } from 'commander';
import { createHostFromCommand, globals, secondsOption } from '../options.js';
import { labNameFrom } from '../lab-state.js';
import { stateRootFromEnv } from '../context.js';
import { printVerify } from '../reports.js';
import { requireState } from '../../lab/state.js';
import { labVerify } from '../../lab/verify.js';

export function registerVerify(program: Command): void {
  program
    .command('verify [lab]')
    .description('ping from inside every guest: gateways, each other, outside targets (reachable or, for isolated networks, not)')
    .option('--json', 'print results as JSON on stdout')
    .option('--junit <file>', 'write JUnit XML (one testcase per check)')
    .option('--ping-timeout <seconds>', 'deadline of each ping', '2')
    .action(async (labArg: string | undefined, opts: { json?: boolean; junit?: string; pingTimeout: string }, cmd: Command) => {
      const g = globals(cmd);
      const pingTimeoutSec = secondsOption('--ping-timeout', opts.pingTimeout);
      const root = stateRootFromEnv();
      const { state } = requireState(root, labNameFrom(labArg, g));
      const host = createHostFromCommand(g);
      const v = await labVerify({ lab: state.spec, host, journal: state.entries, pingTimeoutSec, root });
      printVerify(state.spec, v, g, opts);
    });
}
