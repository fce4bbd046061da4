import { Option, type Command } from 'commander';
import { createHostFromCommand, globals, seconds } from '../options.js';
import { selectLab, wholeLabArgument } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { printVerify } from '../reports.js';
import { requireState } from '../../lab/state.js';
import { labVerify } from '../../lab/verify.js';

export function registerVerify(program: Command): void {
  wholeLabArgument(program.command('verify'))
    .description('ping from inside every guest: gateways, each other, outside targets (reachable or, for isolated networks, not)')
    .option('--json', 'print results as JSON on stdout')
    .option('--junit <file>', 'write JUnit XML (one testcase per check)')
    .addOption(new Option('--ping-timeout <seconds>', 'deadline of each ping').argParser(seconds()).default(2))
    .action(async (labArg: string | undefined, opts: { json?: boolean; junit?: string; pingTimeout: number }, cmd: Command) => {
      const g = globals(cmd);
      const root = stateRootFromEnv();
      const { state } = requireState(root, selectLab(cmd, labArg));
      const host = createHostFromCommand(g);
      const v = await labVerify({ lab: state.spec, host, journal: state.entries, pingTimeoutSec: opts.pingTimeout, root });
      printVerify(state.spec, v, g, opts);
    });
}
