/** Global options, as every command sees them. */
import type { Command } from 'commander';
import type { GlobalOptions } from './context.js';
import { hostFor } from './context.js';
import type { Host } from '../host/index.js';

export function globals(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as GlobalOptions;
  return { file: o.file ?? 'vlab.yaml', connect: o.connect ?? process.env.LIBVIRT_DEFAULT_URI ?? 'qemu:///system', verbose: !!o.verbose, quiet: !!o.quiet };
}

export function createHostFromCommand(g: GlobalOptions, dryRun = false): Host {
  return hostFor(g, dryRun);
}
