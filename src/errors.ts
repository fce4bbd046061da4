/**
 * Every error vlab raises says who must act. Only the CLI entry point maps them to exit codes
 * (see src/cli/exit-codes.ts).
 */
import { commandLine } from './host/command-line.js';

/** One problem in a lab file, with where it is and how to fix it. */
export interface Problem {
  /** Path of the file the problem is in. */
  file: string;
  /** 1-based line and column, when known. */
  line?: number;
  column?: number;
  /** YAML path such as `guests.web.interfaces[0].address`. */
  path: string;
  message: string;
  hint?: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  const hint = p.hint ? `\n    fix: ${p.hint}` : '';
  return `${where}: ${p.path ? p.path + ': ' : ''}${p.message}${hint}`;
}

/** The user must act: bad usage or arguments. Exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The user must act: the lab file (or an image.yaml) is invalid. Exit 2. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(readonly problems: Problem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in lab file:\n` + problems.map((p) => '  ' + formatProblem(p)).join('\n'));
  }
}

/** The host or an external tool failed; the user must look at the host. Exit 3. */
export class HostError extends Error {
  override name = 'HostError';
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An external command exited non-zero (or could not start). Exit 3. */
export class CommandError extends HostError {
  override name = 'CommandError';
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
    hint?: string,
  ) {
    const cmd = commandLine(argv);
    const tail = stderr.trim().split('\n').slice(-5).join('\n      ');
    super(`command failed (exit ${exitCode ?? 'none'}): ${cmd}${tail ? `\n      ${tail}` : ''}`, hint);
  }
}

/** ssh could not reach another host of the lab (connect, authentication or host key): nothing ran there. Exit 3. */
export class HostUnreachableError extends HostError {
  override name = 'HostUnreachableError';
  constructor(
    /** The lab file's name for the host. */
    readonly host: string,
    /** ssh's own line saying what failed. */
    readonly reason: string,
    /** `user@address:port`, as ssh was given it. */
    destination: string,
  ) {
    super(
      `host ${host} (${destination}) is unreachable over ssh: ${reason}`,
      /host key/i.test(reason)
        ? `check the host key of ${destination} in the known_hosts file vlab uses (vlab never accepts a new or changed key: add it with \`ssh-keyscan\` after checking its fingerprint)`
        : /permission denied/i.test(reason)
          ? `check the key vlab uses is in the authorized_keys of the user on ${host}, and the user name`
          : `check the address and port of ${host}, that sshd runs there and is reachable from this machine, then the key and known_hosts`,
    );
  }
}

/** Another vlab process holds the lab's lock. Exit 4. */
export class LockedError extends Error {
  override name = 'LockedError';
  readonly hint: string;
  constructor(
    readonly lab: string,
    readonly pid: number | undefined,
  ) {
    super(`lab '${lab}' is locked by another vlab process${pid ? ` (pid ${pid})` : ''}`);
    this.hint = `wait for it to finish${pid ? ` (\`ps -p ${pid}\` shows it)` : ''}, then run the command again`;
  }
}

/** A bug in vlab: an invariant did not hold. Exit 70 after asking for a report. */
export class BugError extends Error {
  override name = 'BugError';
}
