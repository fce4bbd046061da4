/** Global options, as every command sees them. */
import type { Command } from 'commander';
import type { GlobalOptions } from './context.js';
import { hostFor } from './context.js';
import type { Host } from '../host/index.js';
import { UsageError } from '../errors.js';
import { isPersistMode, PERSIST_MODES, type PersistMode } from '../persist/plan-persist.js';

export function globals(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as GlobalOptions;
  return { file: o.file ?? 'vlab.yaml', connect: o.connect ?? process.env.LIBVIRT_DEFAULT_URI ?? 'qemu:///system', verbose: !!o.verbose, quiet: !!o.quiet };
}

export function createHostFromCommand(g: GlobalOptions, dryRun = false): Host {
  return hostFor(g, dryRun);
}

/** The mode of `--persist[=MODE]` / `--mode MODE`: true (flag alone) means systemd. */
export function persistModeOption(value: string | boolean | undefined): PersistMode | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 'systemd';
  if (!isPersistMode(value)) throw new UsageError(`unknown persistence mode '${value}'`, `use one of: ${PERSIST_MODES.join(', ')}`);
  return value;
}

/** A number of seconds given on the command line: positive, or at least `atLeast` (a UsageError naming the option otherwise). */
export function secondsOption(name: string, value: string, atLeast?: number): number {
  const n = Number(value);
  if (atLeast !== undefined && !(n >= atLeast)) throw new UsageError(`${name} must be at least ${atLeast} seconds, not '${value}'`);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number of seconds, not '${value}'`);
  return n;
}
