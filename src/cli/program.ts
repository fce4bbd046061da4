/**
 * Assembles the command-line program: global options, and only the command being run (its
 * module is imported on demand). For `vlab --help` or an unknown command, every command appears
 * as a one-line entry from src/cli/help.ts, so help imports nothing heavy. Every command's help
 * ends with its examples, exit codes and environment (help.ts). Commander prints no error
 * itself: main.ts reports every failure the same way (error-report.ts).
 */
import { Command } from 'commander';
import { COMMANDS, HELP_FOOTER, commandHelp, type CommandEntry } from './help.js';

/** Global options that take a value (their value is not the command name). */
const VALUED = new Set(['-f', '--file', '-c', '--connect', '--lab']);

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

/** The program with its global options, no commands yet. */
export function baseProgram(): Command {
  return new Command('vlab')
    .description('Throw-away libvirt test labs: build them from one file, prove they work, remove them without a trace.')
    .version('0.1.0')
    .option('-f, --file <path>', 'lab file', 'vlab.yaml')
    .option('--lab <name>', 'the lab by name (instead of the name: of the lab file)')
    .option('-c, --connect <uri>', 'libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system)')
    .option('-v, --verbose', 'print every command run (argv, exit code, duration) and every planned file')
    .option('-q, --quiet', 'print only errors and requested data')
    .option('--no-color', 'no colours (NO_COLOR and FORCE_COLOR are honoured too)')
    .configureOutput({ outputError: () => {} })
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', HELP_FOOTER)
    .exitOverride();
}

/** Registers the commands of `entries`' modules (each module once) and adds each command's help from help.ts. */
export async function registerCommands(program: Command, entries: CommandEntry[]): Promise<void> {
  const done = new Set<string>();
  for (const entry of entries) {
    const key = `${entry.module}#${entry.register}`;
    if (done.has(key)) continue;
    done.add(key);
    const mod = (await import(entry.module)) as Record<string, (p: Command) => void>;
    mod[entry.register]!(program);
  }
  for (const c of program.commands) {
    const entry = COMMANDS.find((e) => e.name === c.name());
    if (!entry) continue;
    c.addHelpText('after', commandHelp(entry));
    for (const sub of c.commands) sub.addHelpText('after', commandHelp(entry, sub.name()));
  }
}

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = baseProgram();
  const words = argv.slice(2);
  let name = commandName(words);
  if (name === 'help') name = words[words.indexOf('help') + 1];
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry) await registerCommands(program, [entry]);
  else for (const c of COMMANDS) program.command(c.name, { hidden: !!c.hidden }).description(c.summary).allowUnknownOption().allowExcessArguments();
  const override = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}
