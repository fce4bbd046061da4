/**
 * Assembles the command-line program: global options, and only the command being run (its
 * module is imported on demand). For `vlab --help` or an unknown command, every command appears
 * as a one-line entry from src/cli/help.ts, so help imports nothing heavy.
 */
import { Command } from 'commander';
import { COMMANDS, HELP_FOOTER } from './help.js';

/** Global options that take a value (their value is not the command name). */
const VALUED = new Set(['-f', '--file', '-c', '--connect']);

/** The first word of argv (after node and the script) that is not a global option or its value. */
export function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    if (VALUED.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('vlab')
    .description('Throw-away libvirt test labs: build them from one file, prove they work, remove them without a trace.')
    .version('0.1.0')
    .option('-f, --file <path>', 'lab file', 'vlab.yaml')
    .option('-c, --connect <uri>', 'libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system)')
    .option('-v, --verbose', 'print every command run (argv, exit code, duration) and every planned file')
    .option('-q, --quiet', 'print only errors and requested data')
    .showHelpAfterError('(run `vlab --help` for usage)')
    .addHelpText('after', HELP_FOOTER)
    .exitOverride();
  const words = argv.slice(2);
  let name = commandName(words);
  if (name === 'help') name = words[words.indexOf('help') + 1];
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry) {
    const mod = (await import(entry.module)) as Record<string, (p: Command) => void>;
    mod[entry.register]!(program);
  } else {
    for (const c of COMMANDS) program.command(c.name, { hidden: !!c.hidden }).description(c.summary).allowUnknownOption().allowExcessArguments();
  }
  program.commands.forEach((c) => c.exitOverride());
  return program;
}
