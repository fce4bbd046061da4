/**
 * run() on another host: `ssh <sshArgs> -- <command>`, through the controller's own run(), so
 * dry-run, readOnly, allowFailure, timeouts, stdin and the --verbose trace (which shows the ssh
 * argv, host included) behave as for a local command. The remote sshd hands the command string
 * to the user's shell, so every argv word that is not plainly safe is quoted by shell-quote (commandLine): argv runs as given. ssh's own
 * failure (exit 255 with ssh's message) is a HostUnreachableError, never the command's failure.
 */
import { CommandError, HostError, HostUnreachableError } from '../../errors.js';
import pLimit from 'p-limit';
import { commandLine } from '../command-line.js';
import type { RunFn, RunOptions, RunResult, RunSyncFn } from '../run.js';
import { isSshFailure, sshReason } from '../ssh-exec.js';
import { ensureControlDir, sshArgs, type SshTarget } from './ssh-target.js';

/** The command string the remote shell splits back into `argv`, with `env` as leading `env K=V` words. */
export function remoteCommandLine(argv: readonly string[], env: Record<string, string> = {}): string {
  if (!argv.length) throw new HostError('remote run() called with an empty command');
  const vars = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new HostError(`remote run(): '${k}' is not an environment variable name`);
    return `${k}=${v}`;
  });
  const words = vars.length ? ['env', ...vars, ...argv] : [...argv];
  return commandLine(words);
}

/** ssh's argv that runs `argv` on the host (what the trace and errors show). */
export function remoteArgv(t: SshTarget, controlDir: string, argv: readonly string[], env?: Record<string, string>): string[] {
  return ['ssh', ...sshArgs(t, controlDir), '--', remoteCommandLine(argv, env)];
}

/** `user@host:port` for messages. */
function destination(t: SshTarget): string {
  return `${t.user ? t.user + '@' : ''}${t.host}${t.port ? ':' + t.port : ''}`;
}

/** Splits RunOptions into what the local run() gets (env goes into the command instead) and the remote env. */
function localOptions(t: SshTarget, opts: RunOptions): RunOptions {
  const { env: _env, hint, ...rest } = opts;
  return { ...rest, hint: `on host ${t.name}${hint ? ': ' + hint : ''}` };
}

/** Throws HostUnreachableError when ssh itself failed. */
function checkReached(t: SshTarget, r: { exitCode: number; stderr: string; skipped: boolean }): void {
  if (!r.skipped && isSshFailure(r.exitCode, r.stderr)) throw new HostUnreachableError(t.name, sshReason(r.stderr), destination(t));
}

/** A CommandError thrown by the local run() for ssh: a HostUnreachableError when it was ssh's own failure. */
function translate(t: SshTarget, e: unknown): never {
  if (e instanceof CommandError && e.exitCode !== undefined) checkReached(t, { exitCode: e.exitCode, stderr: e.stderr, skipped: false });
  throw e;
}

/** Makes the control folder once, before the first command. */
function controlFolder(controlDir: string): () => void {
  let made = false;
  return () => {
    if (made) return;
    ensureControlDir(controlDir);
    made = true;
  };
}

/**
 * A RunFn whose commands run on `t` over ssh, through `local` (the controller's run()). Creates
 * `controlDir` (0700) on the controller before the first command. Results carry the ssh argv.
 */
export function remoteRun(local: RunFn, t: SshTarget, controlDir: string): RunFn {
  const prepare = controlFolder(controlDir);
  // One shared connection carries every command: sshd refuses sessions beyond MaxSessions (10 by
  // default), so at most MAX_SESSIONS commands run on a host at once; the rest wait their turn.
  const limit = pLimit(MAX_SESSIONS);
  return (argv: string[], opts: RunOptions = {}): Promise<RunResult> =>
    limit(async () => {
      const cmd = remoteArgv(t, controlDir, argv, opts.env);
      prepare();
      const r = await local(cmd, localOptions(t, opts)).catch((e: unknown) => translate(t, e));
      checkReached(t, r);
      return r;
    });
}

/** Commands in flight on one host at once, below OpenSSH's default MaxSessions of 10 (the master holds none). */
export const MAX_SESSIONS = 6;

/** remoteRun, synchronously, over the controller's runSync() (for the files port of the host). */
export function remoteRunSync(local: RunSyncFn, t: SshTarget, controlDir: string): RunSyncFn {
  const prepare = controlFolder(controlDir);
  return (argv: string[], opts: RunOptions = {}): RunResult => {
    const cmd = remoteArgv(t, controlDir, argv, opts.env);
    prepare();
    let r: RunResult;
    try {
      r = local(cmd, localOptions(t, opts));
    } catch (e) {
      translate(t, e);
    }
    checkReached(t, r);
    return r;
  };
}
