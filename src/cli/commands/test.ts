import { Option, type Command } from 'commander';
import { createHostFromCommand, globals, seconds } from '../options.js';
import { stateRootFromEnv } from '../context.js';
import { printTest } from '../test-report.js';
import { renderEvents } from '../../ui/progress.js';
import { labTest } from '../../lab/test-run.js';
import { labTestInside } from '../../lab/test-inside.js';

export function registerTest(program: Command): void {
  program
    .command('test [lab-file]')
    .description('a whole lab run for CI, sealed in a private sandbox: up, verify, down; exit with the verdict (default lab: the built-in seed lab)')
    .option('--junit <file>', 'write JUnit XML here (on the real host)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--artifacts <dir>', 'copy the console logs, the journal and the verify JSON here before the sandbox goes')
    .addOption(new Option('--timeout <seconds>', 'bound the whole run; the sandbox and everything in it are stopped after it').argParser(seconds()).default(900))
    .addOption(new Option('--ready-timeout <seconds>', 'how long each guest may take to show its addresses').argParser(seconds()).default(600))
    .addOption(new Option('--ping-timeout <seconds>', 'deadline of each ping').argParser(seconds()).default(2))
    .option('--shell', 'open a shell inside the sandbox once the lab is up (for debugging); the lab is torn down when it exits')
    .action(
      async (
        fileArg: string | undefined,
        opts: { junit?: string; json?: boolean; artifacts?: string; timeout: number; readyTimeout: number; pingTimeout: number; shell?: boolean },
        cmd: Command,
      ) => {
        const g = globals(cmd);
        const file = fileArg ?? (g.fileGiven ? g.file : undefined);
        const o = await labTest({
          ...(file ? { file } : {}),
          host: createHostFromCommand(g),
          timeoutSec: opts.timeout,
          readyTimeoutSec: opts.readyTimeout,
          pingTimeoutSec: opts.pingTimeout,
          ...(opts.shell ? { shell: true } : {}),
          ...(g.verbose ? { verbose: true } : {}),
          ...(g.quiet || opts.json ? { quiet: true } : {}),
        });
        printTest(o, g, opts);
      },
    );
  program
    .command('__test-inside', { hidden: true })
    .description('(internal) the inside half of `vlab test`, in its sandbox')
    .addOption(new Option('--timeout <seconds>', 'readiness timeout').argParser(seconds()).default(600))
    .addOption(new Option('--ping-timeout <seconds>', 'deadline of each ping').argParser(seconds()).default(2))
    .option('--shell', 'open a shell once the lab is up')
    .action(async (opts: { timeout: number; pingTimeout: number; shell?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const r = await labTestInside({
        file: g.file,
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        readyTimeoutSec: opts.timeout,
        pingTimeoutSec: opts.pingTimeout,
        ...(opts.shell ? { shell: true } : {}),
        onEvent: renderEvents({ quiet: !!g.quiet }),
      });
      process.stdout.write(JSON.stringify(r) + '\n');
    });
}
