import { Option, type Command } from 'commander';
import { createHostFromCommand, globals, seconds } from '../options.js';
import { selectGuestLab } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { labExec } from '../../lab/exec.js';

export function registerExec(program: Command): void {
  program
    .command('exec')
    .argument('<guest>', 'the guest')
    .argument('<command...>', 'the command and its arguments (after --)')
    .description('run a command in a guest (argv, no shell unless you call one) and exit with its exit code; put -- before the command')
    .addOption(new Option('--timeout <seconds>', 'kill the command after this long').argParser(seconds()).default(60))
    .option('--json', 'print {exitCode, stdout, stderr} as JSON')
    .option('-i, --stdin', "send vlab's standard input (text, read to its end) to the command")
    .action(async (guest: string, argv: string[], opts: { timeout: number; json?: boolean; stdin?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = selectGuestLab(cmd, guest, (l) => `exec --lab ${l} ${argv[0] ?? 'GUEST'} -- ${argv.slice(1).join(' ') || 'COMMAND'}`);
      const stdin = opts.stdin ? await readStdin() : undefined;
      const r = await labExec({
        lab,
        guest,
        argv,
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        timeoutMs: opts.timeout * 1000,
        ...(stdin !== undefined ? { stdin } : {}),
      });
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else {
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
      }
      process.exitCode = r.exitCode;
    });
}

/** All of vlab's standard input, as text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
