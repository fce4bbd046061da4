import type { Command } from 'commander';
import { createHostFromCommand, globals, secondsOption } from '../options.js';
import { labNameFrom } from '../lab-state.js';
import { stateRootFromEnv } from '../context.js';
import { labExec } from '../../lab/exec.js';

export function registerExec(program: Command): void {
  program
    .command('exec <guest> <command...>')
    .description('run a command in a guest (argv, no shell unless you call one) and exit with its exit code; put -- before the command')
    .option('--lab <name>', "the lab (default: the lab file's name)")
    .option('--timeout <seconds>', 'kill the command after this long', '60')
    .option('--json', 'print {exitCode, stdout, stderr} as JSON')
    .option('-i, --stdin', "send vlab's standard input (text, read to its end) to the command")
    .action(async (guest: string, argv: string[], opts: { lab?: string; timeout: string; json?: boolean; stdin?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const timeoutMs = secondsOption('--timeout', opts.timeout) * 1000;
      const stdin = opts.stdin ? await readStdin() : undefined;
      const r = await labExec({
        lab: labNameFrom(opts.lab, g),
        guest,
        argv,
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        timeoutMs,
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
