/** What every command shares: global options, the --verbose trace, the host adapters, what the environment says. */
import type { TraceEvent } from '../host/run.js';
import { createHost, type Host } from '../host/index.js';
import { stateRoot } from '../plan/paths.js';
import { commandLine } from '../host/command-line.js';

export interface GlobalOptions {
  /** -f: the lab file (default ./vlab.yaml). */
  file: string;
  /** Whether -f was given on the command line (not the default). */
  fileGiven?: boolean;
  /** --lab: the lab by name. */
  lab?: string;
  connect?: string;
  verbose?: boolean;
  quiet?: boolean;
  /** False with --no-color. */
  color?: boolean;
}

/** The --verbose trace: every command with argv, exit code and duration, on stderr (undefined without -v). */
export function traceFor(opts: GlobalOptions): ((e: TraceEvent) => void) | undefined {
  if (!opts.verbose) return undefined;
  return (e) => process.stderr.write(`  $ ${commandLine(e.argv)}  ${e.skipped ? '[dry-run: skipped]' : `→ exit ${e.exitCode} in ${e.durationMs.toFixed(0)} ms`}\n`);
}

/** The host adapters for these options; dry-run skips every change (reads still run). */
export function hostFor(opts: GlobalOptions, dryRun = false): Host {
  const trace = traceFor(opts);
  return createHost({ ...(opts.connect ? { uri: opts.connect } : {}), dryRun, ...(trace ? { trace } : {}) });
}

/** The root of every lab's state: VLAB_STATE_DIR, else the default. */
export function stateRootFromEnv(): string {
  return stateRoot(process.env.VLAB_STATE_DIR);
}

/** The address of the SSH client this vlab runs under, if any (from SSH_CONNECTION). */
export function sshClientFromEnv(): string | undefined {
  return process.env.SSH_CONNECTION?.split(' ')[0] || undefined;
}
