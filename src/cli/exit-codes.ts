import { BugError, HostError, LockedError, UsageError, ValidationError } from '../errors.js';

/** Exit codes are a contract (see README): keep them stable. */
export const ExitCode = {
  ok: 0,
  verifyFailed: 1,
  usage: 2,
  host: 3,
  locked: 4,
  bug: 70,
} as const;

/** Maps an error to the exit code that tells a script who must act. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof ValidationError) return ExitCode.usage;
  if (err instanceof LockedError) return ExitCode.locked;
  if (err instanceof HostError) return ExitCode.host;
  if (err instanceof BugError) return ExitCode.bug;
  if (err && typeof err === 'object' && 'code' in err && (err as { code: string }).code?.startsWith?.('commander.')) return ExitCode.usage;
  return ExitCode.bug;
}
