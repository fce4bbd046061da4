/**
 * What shell completion knows, read from the commander tree itself (every command registered):
 * commands, subcommands, their options (which take a value, their choices) and what each
 * positional names (a lab, guests, a shell). The scripts (completion-bash.ts, completion-fish.ts)
 * are generated from it, so they cannot drift from the CLI. Pure.
 */
import type { Argument, Command, Option } from 'commander';

/** What a value is completed with: lab names, guest names of the current lab, files, fixed choices, or nothing. */
export type ValueKind = { kind: 'lab' } | { kind: 'guest' } | { kind: 'file' } | { kind: 'choices'; choices: string[] } | { kind: 'none' };

export interface CompletionOption {
  flags: string[];
  description: string;
  /** Undefined for a flag that takes no value. */
  value?: ValueKind;
}

export interface CompletionCommand {
  /** `status`, or `snapshot save` for a subcommand. */
  path: string[];
  description: string;
  options: CompletionOption[];
  /** One per positional, in order; the last repeats when variadic. */
  args: ValueKind[];
  variadic: boolean;
  subcommands: string[];
}

export interface CompletionTree {
  globals: CompletionOption[];
  commands: CompletionCommand[];
}

/** Options whose value names a lab, a file. */
const LAB_OPTIONS = new Set(['--lab']);
const FILE_OPTIONS = new Set(['--file', '--junit']);

function optionOf(o: Option): CompletionOption {
  const flags = [o.short, o.long].filter((f): f is string => !!f);
  if (!o.required && !o.optional) return { flags, description: o.description };
  const long = o.long ?? '';
  const value: ValueKind = o.argChoices
    ? { kind: 'choices', choices: [...o.argChoices] }
    : LAB_OPTIONS.has(long)
      ? { kind: 'lab' }
      : FILE_OPTIONS.has(long)
        ? { kind: 'file' }
        : { kind: 'none' };
  return { flags, description: o.description, value };
}

function argOf(a: Argument): ValueKind {
  if (a.argChoices) return { kind: 'choices', choices: [...a.argChoices] };
  const name = a.name();
  if (name === 'lab') return { kind: 'lab' };
  if (name === 'guest' || name === 'guests') return { kind: 'guest' };
  return { kind: 'none' };
}

function walk(c: Command, path: string[], out: CompletionCommand[]): void {
  const visible = c.commands.filter((s) => !(s as unknown as { _hidden?: boolean })._hidden);
  out.push({
    path,
    description: c.description(),
    options: c.options.filter((o) => !o.hidden).map(optionOf),
    args: c.registeredArguments.map(argOf),
    variadic: c.registeredArguments.at(-1)?.variadic ?? false,
    subcommands: visible.map((s) => s.name()),
  });
  for (const s of visible) walk(s, [...path, s.name()], out);
}

/** The tree of a program whose commands are all registered. Hidden commands are left out. */
export function completionTree(program: Command): CompletionTree {
  const commands: CompletionCommand[] = [];
  for (const c of program.commands) if (!(c as unknown as { _hidden?: boolean })._hidden) walk(c, [c.name()], commands);
  return { globals: program.options.filter((o) => !o.hidden).map(optionOf), commands };
}
