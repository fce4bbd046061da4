import { execa, execaSync } from 'execa';
import { constants } from 'node:os';
import { CommandError, HostError } from '../errors.js';

const osSignals = constants.signals as Record<string, number>;

/** Options for one external command. */
export interface RunOptions {
  /** Text fed to the command's standard input. */
  input?: string;
  /** A file fed to the command's standard input (streamed, e.g. a disk image to a remote host); not with `input`. */
  inputFile?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
  /** Do not throw on a non-zero exit; the caller looks at exitCode. */
  allowFailure?: boolean;
  /** The command only reads host state: it runs even in dry-run mode. */
  readOnly?: boolean;
  /** Hint added to the error when the command fails. */
  hint?: string;
}

export interface RunResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** True when dry-run skipped the command. */
  skipped: boolean;
  /** True when timeoutMs killed the command (exitCode is then 124). */
  timedOut: boolean;
}

/** One line of the verbose trace. */
export interface TraceEvent {
  argv: string[];
  exitCode: number | undefined;
  durationMs: number;
  skipped: boolean;
}

/** How a runner behaves: dry-run skips commands that change the host; trace sees each command. */
export interface RunnerSettings {
  dryRun: boolean;
  trace?: (e: TraceEvent) => void;
}

/** One process's door to subprocesses, made once by createHost and handed to every port. */
export interface Runner {
  /** Runs one command (see runWith). */
  run: RunFn;
  /** Runs one command synchronously, with run()'s rules (see runSyncWith): for the synchronous files port of a remote host. */
  runSync: RunSyncFn;
  /** Starts a detached process that outlives vlab (see spawnDetachedWith). */
  spawnDetached: (argv: string[], env?: Record<string, string>) => number | undefined;
  /** Starts a long command attached to this terminal: stdin and stderr inherited, stdout captured (see startAttachedWith). */
  startAttached: (argv: string[], opts?: { env?: Record<string, string> }) => AttachedProcess;
  /** Runs a command attached to vlab's terminal (see runInteractiveWith). */
  interactive: InteractiveFn;
  /** Whether changes are skipped. */
  readonly dryRun: boolean;
}

/** A command started by startAttached: its outcome, and a way to signal it (a timeout, a cancel). */
export interface AttachedProcess {
  pid: number | undefined;
  /** Resolves when it has exited: exit code (128+N for signal N), captured stdout. */
  done: Promise<{ exitCode: number; signal?: string; stdout: string; durationMs: number }>;
  kill(signal: NodeJS.Signals): void;
}

/** A runner with these settings. Nothing is global: two runners (say, a dry run beside a real one) do not affect each other. */
export function createRunner(opts: Partial<RunnerSettings> = {}): Runner {
  const settings: RunnerSettings = { dryRun: opts.dryRun ?? false, ...(opts.trace ? { trace: opts.trace } : {}) };
  return {
    run: (argv, runOpts) => runWith(settings, argv, runOpts),
    runSync: (argv, runOpts) => runSyncWith(settings, argv, runOpts),
    spawnDetached: (argv, env) => spawnDetachedWith(settings, argv, env),
    startAttached: (argv, o) => startAttachedWith(settings, argv, o),
    interactive: (argv) => runInteractiveWith(settings, argv),
    dryRun: settings.dryRun,
  };
}

/** The shape of a runner's interactive(): what the session ports (ssh, console) take. */
export type InteractiveFn = (argv: string[]) => Promise<number>;

/** The shape of a runner's run(): what ports take in their constructor. */
export type RunFn = (argv: string[], opts?: RunOptions) => Promise<RunResult>;

/** The shape of a runner's runSync(): run() without the promise. */
export type RunSyncFn = (argv: string[], opts?: RunOptions) => RunResult;

/** The result of a command dry-run skips (traced as skipped), or undefined when it runs. */
function skipInDryRun(settings: RunnerSettings, argv: string[], opts: RunOptions): RunResult | undefined {
  if (!settings.dryRun || opts.readOnly) return undefined;
  settings.trace?.({ argv, exitCode: undefined, durationMs: 0, skipped: true });
  return { argv, exitCode: 0, stdout: '', stderr: '', durationMs: 0, skipped: true, timedOut: false };
}

/** execa's options for one command of run() or runSync(). */
function execaOptions(opts: RunOptions) {
  if (opts.input !== undefined && opts.inputFile !== undefined) throw new HostError('run() given both input and inputFile');
  return {
    ...(opts.inputFile !== undefined ? { inputFile: opts.inputFile } : { input: opts.input }),
    env: opts.env,
    timeout: opts.timeoutMs,
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
  } as const;
}

/** What run() and runSync() need of execa's result (the async and the sync one alike). */
interface ExecaOutcome {
  exitCode?: number | undefined;
  timedOut?: boolean;
  failed?: boolean;
  shortMessage?: string;
  stdout?: unknown;
  stderr?: unknown;
  code?: string;
}

/** Traces a finished command and turns execa's result into a RunResult, or a CommandError when it failed (unless allowFailure). */
function settle(settings: RunnerSettings, argv: string[], opts: RunOptions, result: ExecaOutcome, started: number): RunResult {
  const durationMs = performance.now() - started;
  const exitCode = result.exitCode ?? (result.timedOut ? 124 : 255);
  settings.trace?.({ argv, exitCode, durationMs, skipped: false });
  const stderr = String(result.stderr ?? '') + (result.failed && result.exitCode === undefined ? `\n${result.shortMessage}` : '');
  if (exitCode !== 0 && !opts.allowFailure) {
    const hint = result.timedOut ? `timed out after ${opts.timeoutMs} ms${opts.hint ? '; ' + opts.hint : ''}` : opts.hint;
    const notFound = result.code === 'ENOENT';
    throw new CommandError(argv, result.exitCode, stderr, notFound ? `'${argv[0]}' is not installed or not on PATH` : hint);
  }
  return { argv, exitCode, stdout: String(result.stdout ?? ''), stderr, durationMs, skipped: false, timedOut: result.timedOut === true };
}

/**
 * Runs one external command, argv only (never a shell string). Every subprocess vlab starts goes
 * through here, so dry-run and --verbose tracing see all of them. Throws CommandError carrying
 * argv, exit code and stderr when the command fails, unless allowFailure is set.
 */
async function runWith(settings: RunnerSettings, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new HostError('run() called with an empty command');
  const started = performance.now();
  const skipped = skipInDryRun(settings, argv, opts);
  if (skipped) return skipped;
  const result = await execa(file, args, execaOptions(opts));
  return settle(settings, argv, opts, result as ExecaOutcome, started);
}

/**
 * runWith, synchronously (execaSync): the same dry-run, readOnly, trace and error rules. Only
 * for ports whose interface is synchronous (a remote host's files); it blocks the event loop.
 */
function runSyncWith(settings: RunnerSettings, argv: string[], opts: RunOptions = {}): RunResult {
  const [file, ...args] = argv;
  if (!file) throw new HostError('runSync() called with an empty command');
  const started = performance.now();
  const skipped = skipInDryRun(settings, argv, opts);
  if (skipped) return skipped;
  const result = execaSync(file, args, execaOptions(opts));
  return settle(settings, argv, opts, result as ExecaOutcome, started);
}

/**
 * Starts a process that outlives vlab (the uplink watchdog): detached, no stdio, not awaited.
 * Traced like every other command; skipped in dry-run. Returns its pid.
 */
function spawnDetachedWith(settings: RunnerSettings, argv: string[], env?: Record<string, string>): number | undefined {
  const [file, ...args] = argv;
  if (!file) throw new HostError('spawnDetached() called with an empty command');
  if (settings.dryRun) {
    settings.trace?.({ argv, exitCode: undefined, durationMs: 0, skipped: true });
    return undefined;
  }
  const child = execa(file, args, { detached: true, stdio: 'ignore', reject: false, cleanup: false, ...(env ? { env, extendEnv: false } : {}) });
  child.unref();
  child.catch(() => undefined);
  settings.trace?.({ argv: [...argv, '&'], exitCode: 0, durationMs: 0, skipped: false });
  return child.pid;
}

/**
 * Starts a long command (the `vlab test` sandbox) attached to this process's terminal: stdin and
 * stderr are inherited, so its progress and an interactive shell reach the user; stdout is
 * captured (the command's result document). Traced when it ends. Never in dry-run: the caller
 * does not start one then.
 */
function startAttachedWith(settings: RunnerSettings, argv: string[], opts: { env?: Record<string, string> } = {}): AttachedProcess {
  const [file, ...args] = argv;
  if (!file) throw new HostError('startAttached() called with an empty command');
  const started = performance.now();
  const child = execa(file, args, {
    stdin: 'inherit',
    stdout: 'pipe',
    stderr: 'inherit',
    reject: false,
    encoding: 'utf8',
    stripFinalNewline: false,
    ...(opts.env ? { env: opts.env } : {}),
  });
  const done = child.then((r) => {
    const durationMs = performance.now() - started;
    const sig = r.signal;
    const exitCode = r.exitCode ?? (sig ? 128 + (osSignals[sig] ?? 0) : 255);
    settings.trace?.({ argv, exitCode, durationMs, skipped: false });
    return { exitCode, ...(sig ? { signal: sig } : {}), stdout: String(r.stdout ?? ''), durationMs };
  });
  return {
    pid: child.pid,
    done,
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

/**
 * Runs a command attached to vlab's own standard input, output and error (an SSH session, a
 * serial console): nothing is captured, and the command's exit code is returned, never thrown.
 * Traced like every other command; skipped in dry-run (exit 0). A command that cannot start is a
 * CommandError, as in run().
 */
async function runInteractiveWith(settings: RunnerSettings, argv: string[]): Promise<number> {
  const [file, ...args] = argv;
  if (!file) throw new HostError('interactive() called with an empty command');
  const started = performance.now();
  if (settings.dryRun) {
    settings.trace?.({ argv, exitCode: undefined, durationMs: 0, skipped: true });
    return 0;
  }
  const result = await execa(file, args, { stdio: 'inherit', reject: false });
  const exitCode = result.exitCode ?? (result.signal ? 128 : 255);
  settings.trace?.({ argv, exitCode, durationMs: performance.now() - started, skipped: false });
  if ((result as { code?: string }).code === 'ENOENT') throw new CommandError(argv, undefined, result.shortMessage ?? '', `'${file}' is not installed or not on PATH`);
  return exitCode;
}
