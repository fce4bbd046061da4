import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { labNameFrom, requireState } from '../lab-state.js';
import { sshKeysOf } from '../../host/lab-exec.js';
import { runVerify, type VerifyCliOptions } from '../../lab/verify.js';

export function registerVerify(program: Command): void {
  program
    .command('verify [lab]')
    .description('ping from inside every guest: gateways, each other, outside targets (reachable or, for isolated networks, not)')
    .option('--json', 'print results as JSON on stdout')
    .option('--junit <file>', 'write JUnit XML (one testcase per check)')
    .option('--ping-timeout <seconds>', 'deadline of each ping', '2')
    .action(async (labArg: string | undefined, opts: VerifyCliOptions, cmd: Command) => {
      const g = globals(cmd);
      const { state } = requireState(labNameFrom(labArg, g));
      const host = createHostFromCommand(g);
      await runVerify(state.spec, host, host.labExec(sshKeysOf(state.entries)), opts, g);
    });
}
