import type { Command } from 'commander';
import { createHostFromCommand, globals, secondsOption } from '../options.js';
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
    .option('--timeout <seconds>', 'bound the whole run; the sandbox and everything in it are stopped after it', '900')
    .option('--ready-timeout <seconds>', 'how long each guest may take to show its addresses', '600')
    .option('--ping-timeout <seconds>', 'deadline of each ping', '2')
    .option('--shell', 'open a shell inside the sandbox once the lab is up (for debugging); the lab is torn down when it exits')
    .action(
      async (
        fileArg: string | undefined,
        opts: { junit?: string; json?: boolean; artifacts?: string; timeout: string; readyTimeout: string; pingTimeout: string; shell?: boolean },
        cmd: Command,
      ) => {
        const g = globals(cmd);
        const explicit = cmd.getOptionValueSourceWithGlobals('file') === 'cli';
        const file = fileArg ?? (explicit ? g.file : undefined);
        const o = await labTest({
          ...(file ? { file } : {}),
          host: createHostFromCommand(g),
          timeoutSec: secondsOption('--timeout', opts.timeout),
          readyTimeoutSec: secondsOption('--ready-timeout', opts.readyTimeout),
          pingTimeoutSec: secondsOption('--ping-timeout', opts.pingTimeout),
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
    .option('--timeout <seconds>', 'readiness timeout', '600')
    .option('--ping-timeout <seconds>', 'deadline of each ping', '2')
    .option('--shell', 'open a shell once the lab is up')
    .action(async (opts: { timeout: string; pingTimeout: string; shell?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const r = await labTestInside({
        file: g.file,
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        readyTimeoutSec: secondsOption('--timeout', opts.timeout),
        pingTimeoutSec: secondsOption('--ping-timeout', opts.pingTimeout),
        ...(opts.shell ? { shell: true } : {}),
        onEvent: renderEvents({ quiet: !!g.quiet }),
      });
      process.stdout.write(JSON.stringify(r) + '\n');
    });
}
