/** What every command shares: global options, the --verbose trace, the host adapters, what the environment says. */
import type { TraceEvent } from '../host/run.js';
import { createHost, type Host } from '../host/index.js';
import { stateRoot } from '../plan/paths.js';

export interface GlobalOptions {
  file: string;
  connect?: string;
  verbose?: boolean;
  quiet?: boolean;
}

/** The --verbose trace: every command with argv, exit code and duration, on stderr (undefined without -v). */
export function traceFor(opts: GlobalOptions): ((e: TraceEvent) => void) | undefined {
  if (!opts.verbose) return undefined;
  return (e) =>
    process.stderr.write(
      `  $ ${e.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}  ${e.skipped ? '[dry-run: skipped]' : `→ exit ${e.exitCode} in ${e.durationMs.toFixed(0)} ms`}\n`,
    );
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
