/**
 * How a failed command reports: the exit code (src/cli/exit-codes.ts), a message with a fix on
 * stderr, and with --json one JSON document on stdout:
 * `{ "ok": false, "error": { "kind", "message", "fix" }, "problems": [...] }` (problems: the
 * lab file's, for an invalid lab file; else empty). Pure: main.ts writes what this returns.
 */
import { CommanderError } from 'commander';
import { BugError, HostError, LockedError, UsageError, ValidationError, type Problem } from '../errors.js';
import { exitCodeFor, ExitCode } from './exit-codes.js';
import { commandName } from './program.js';

export type ErrorKind = 'usage' | 'validation' | 'host' | 'locked' | 'bug';

export interface ErrorReport {
  exitCode: number;
  /** For stderr. */
  text: string;
  /** The --json document. */
  json: { ok: false; error: { kind: ErrorKind; message: string; fix: string }; problems: ProblemJson[] };
}

/** A lab-file problem as --json prints it. */
export interface ProblemJson {
  file: string;
  line: number | null;
  column: number | null;
  path: string;
  message: string;
  fix: string | null;
}

export function problemJson(p: Problem): ProblemJson {
  return { file: p.file, line: p.line ?? null, column: p.column ?? null, path: p.path, message: p.message, fix: p.hint ?? null };
}

/** Commands that run a command of the user's in a guest: an unknown option after the guest name belongs after `--`. */
const RUNS_GUEST_COMMAND = new Set(['exec', 'ssh']);
/** Options of those commands (and global ones) that take a value. */
const VALUED_OPTIONS = new Set(['-f', '--file', '-c', '--connect', '--lab', '--timeout']);

/** Whether argv (after node and the script) asks for JSON: `--json` before any `--`. */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/** The fix for a commander usage error: `--` for a guest's command, commander's did-you-mean, else the command's help. */
function commanderFix(err: CommanderError, args: readonly string[]): { message: string; fix: string } {
  const [first, ...rest] = err.message.replace(/^error: /, '').split('\n');
  const message = first!.trim();
  const didYouMean = rest
    .join(' ')
    .trim()
    .replace(/^\((.*)\)$/, '$1');
  const name = commandName([...args]);
  const option = /^unknown option '([^']+)'/.exec(message)?.[1];
  if (option && name && RUNS_GUEST_COMMAND.has(name) && !args.includes('--')) {
    // The guest is the first plain word after the command (values of options that take one skipped): `--` goes after it.
    const at = args.indexOf(option);
    let guestAt = -1;
    for (let i = args.indexOf(name) + 1; i < at && guestAt < 0; i++) {
      if (VALUED_OPTIONS.has(args[i]!)) i++;
      else if (!args[i]!.startsWith('-')) guestAt = i;
    }
    if (guestAt >= 0) {
      const words = [...args.slice(0, guestAt + 1), '--', ...args.slice(guestAt + 1)];
      return { message, fix: `put -- before the guest's command, so its options are not vlab's: vlab ${words.join(' ')}` };
    }
  }
  if (didYouMean) return { message, fix: didYouMean };
  return { message, fix: `see \`vlab ${name && name !== 'help' ? name + ' ' : ''}--help\`` };
}

function kindOf(err: unknown): ErrorKind {
  if (err instanceof ValidationError) return 'validation';
  if (err instanceof UsageError || err instanceof CommanderError) return 'usage';
  if (err instanceof LockedError) return 'locked';
  if (err instanceof HostError) return 'host';
  return 'bug';
}

/** The report of a failure (undefined for commander's help and version "errors", which are exit 0). */
export function errorReport(err: unknown, args: readonly string[]): ErrorReport | undefined {
  if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)) return undefined;
  if (err instanceof CommanderError && err.code === 'commander.help') {
    // No command given: commander printed the help (on stderr) already.
    const fix = '`vlab --help` lists the commands';
    return { exitCode: ExitCode.usage, text: '', json: { ok: false, error: { kind: 'usage', message: 'no command given', fix }, problems: [] } };
  }
  const kind = kindOf(err);
  const exitCode = err instanceof CommanderError ? ExitCode.usage : exitCodeFor(err);
  let message: string;
  let fix: string;
  let text: string;
  const problems = err instanceof ValidationError ? err.problems.map(problemJson) : [];
  if (err instanceof CommanderError) {
    ({ message, fix } = commanderFix(err, args));
    text = `error: ${message}\n  fix: ${fix}\n`;
  } else if (err instanceof ValidationError) {
    message = err.message;
    fix = `fix ${problems.length === 1 ? 'the problem' : `each of the ${problems.length} problems`} listed (each names its line and a fix), then run the command again`;
    text = `error: ${message}\n`;
  } else if (kind !== 'bug') {
    const e = err as Error & { hint?: string };
    message = e.message;
    fix = e.hint ?? 'see `vlab --help`';
    text = `error: ${message}\n  fix: ${fix}\n`;
  } else {
    const bug = err instanceof BugError ? err : (err as Error | undefined);
    message = `vlab bug: ${bug?.message ?? String(err)}`;
    fix = 'this is a bug in vlab, not in your lab: please report it with the command you ran';
    text = `vlab bug: ${bug?.stack ?? String(err)}\nThis is a bug in vlab, not in your lab: please report it with the command you ran.\n`;
  }
  return { exitCode, text, json: { ok: false, error: { kind, message, fix }, problems } };
}
