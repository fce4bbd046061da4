/**
 * Which lab a command means: the one rule every command follows (and a future `graph` too).
 *
 * - Whole-lab commands (status, verify, down, persist, unpersist, restore, ssh-config) take the lab name as
 *   their first positional; every command takes `--lab NAME` and `-f FILE`.
 * - A name (positional or --lab) wins over the default ./vlab.yaml; given together with an explicit
 *   `-f`, the file's `name:` must be that lab. Two different names are a usage error.
 * - Without a name, the lab is the `name:` of the lab file (-f, default ./vlab.yaml).
 * - Commands that read the lab file (validate, plan, up, doctor) take `-f FILE`, or `--lab NAME`
 *   for the file that lab was brought up from.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { labNameOfFile } from '../lab/lab-file.js';
import { labNames, recordedLabFile } from '../lab/state.js';
import { NAME_PATTERN } from '../spec/schema.js';
import { globals } from './options.js';
import { stateRootFromEnv } from './context.js';

/** Declares the `[lab]` positional of a whole-lab command (use with selectLab). */
export function wholeLabArgument(cmd: Command): Command {
  return cmd.argument('[lab]', "the lab's name (default: --lab, else the name: of the lab file)");
}

function checkName(name: string, from: string): string {
  if (!NAME_PATTERN.test(name)) throw new UsageError(`${from} '${name}' is not a lab name`, 'lab names look like seed or my-lab (`vlab ls` lists the labs that are up)');
  return name;
}

/** The lab a command acts on (see the rule above); `positional` is a whole-lab command's `[lab]`. */
export function selectLab(cmd: Command, positional?: string): string {
  const g = globals(cmd);
  if (positional !== undefined && g.lab !== undefined && positional !== g.lab)
    throw new UsageError(`two labs named: '${positional}' and --lab ${g.lab}`, 'name the lab once, as the argument or with --lab');
  const named = positional ?? g.lab;
  if (named === undefined) return labNameOfFile(g.file);
  checkName(named, positional !== undefined ? 'the lab argument' : '--lab');
  if (g.fileGiven) {
    const inFile = labNameOfFile(g.file);
    if (inFile !== named) throw new UsageError(`-f ${g.file} is lab '${inFile}', not '${named}'`, 'name one lab: drop -f or the lab name');
  }
  return named;
}

/** The lab file a command reads: -f, else the recorded file of --lab NAME, else ./vlab.yaml. */
export function selectLabFile(cmd: Command): string {
  const g = globals(cmd);
  if (g.lab === undefined || g.fileGiven) {
    if (g.lab !== undefined) selectLab(cmd); // -f and --lab together must agree
    return g.file;
  }
  return recordedLabFile(stateRootFromEnv(), checkName(g.lab, '--lab'));
}

/**
 * The lab of a guest command (exec, ssh, console, reset): -f or --lab; guests are positionals.
 * A first word that is the name of a lab, not of a guest, gets a hint to use --lab.
 */
export function selectGuestLab(cmd: Command, firstWord: string | undefined, rewrite: (lab: string) => string): string {
  try {
    return selectLab(cmd);
  } catch (e) {
    if (firstWord !== undefined && e instanceof UsageError && labNames(stateRootFromEnv()).includes(firstWord))
      throw new UsageError(`'${firstWord}' is a lab, not a guest: \`vlab ${cmd.name()}\` takes guests as arguments and the lab from --lab or -f`, `vlab ${rewrite(firstWord)}`);
    throw e;
  }
}

/** Commands that are not about one lab (ls, cache, image, init's template choice aside) refuse --lab instead of ignoring it. */
export function refuseLab(cmd: Command, why: string): void {
  const name = [cmd.parent?.parent ? cmd.parent.name() : undefined, cmd.name()].filter(Boolean).join(' ');
  if (globals(cmd).lab !== undefined) throw new UsageError(`--lab does not apply to \`vlab ${name}\`: ${why}`, 'drop --lab');
}
