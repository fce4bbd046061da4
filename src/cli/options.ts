/** Global options as every command sees them, and the parsers of number options (commander's argParser). */
import { InvalidArgumentError, type Command } from 'commander';
import type { GlobalOptions } from './context.js';
import { hostFor } from './context.js';
import type { Host } from '../host/index.js';

export function globals(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Partial<GlobalOptions> & { color?: boolean };
  return {
    file: o.file ?? 'vlab.yaml',
    fileGiven: cmd.getOptionValueSourceWithGlobals('file') === 'cli',
    ...(o.lab !== undefined ? { lab: o.lab } : {}),
    connect: o.connect ?? process.env.LIBVIRT_DEFAULT_URI ?? 'qemu:///system',
    verbose: !!o.verbose,
    quiet: !!o.quiet,
    color: o.color !== false,
  };
}

export function createHostFromCommand(g: GlobalOptions, dryRun = false): Host {
  return hostFor(g, dryRun);
}

/**
 * commander's argParser for a number of seconds: positive, and at least `atLeast` when given.
 * A bad value is commander's usage error (exit 2) naming the option.
 */
export function seconds(atLeast?: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds.');
    if (atLeast !== undefined && n < atLeast) throw new InvalidArgumentError(`must be at least ${atLeast} seconds.`);
    return n;
  };
}
