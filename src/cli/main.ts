/** The CLI entry point: the only place that maps errors to exit codes. */
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { exitCodeFor, ExitCode } from './exit-codes.js';
import { BugError, HostError, LockedError, UsageError, ValidationError } from '../errors.js';

function report(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage; // commander already printed the message
  }
  const code = exitCodeFor(err);
  const e = err as Error & { hint?: string };
  if (err instanceof ValidationError) process.stderr.write(`error: ${e.message}\n`);
  else if (err instanceof UsageError || err instanceof HostError || err instanceof LockedError) {
    process.stderr.write(`error: ${e.message}\n${e.hint ? `  fix: ${e.hint}\n` : ''}`);
  } else {
    const bug = err instanceof BugError ? err : e;
    process.stderr.write(`vlab bug: ${bug?.stack ?? String(err)}\nThis is a bug in vlab, not in your lab: please report it with the command you ran.\n`);
  }
  return code;
}

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (err) {
  process.exitCode = report(err);
}
