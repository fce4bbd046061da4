/** Assembles the command-line program: global options and every command. */
import { Command } from 'commander';
import { registerInit } from './commands/init.js';
import { registerValidate } from './commands/validate.js';
import { registerPlan } from './commands/plan.js';
import { registerUp } from './commands/up.js';
import { registerDown } from './commands/down.js';
import { registerStatus, registerLs } from './commands/status.js';
import { registerVerify } from './commands/verify.js';
import { registerExec } from './commands/exec.js';
import { registerImage } from './commands/image.js';
import { registerWatchdog } from './commands/watchdog.js';
import { registerPersist } from './commands/persist.js';

export function buildProgram(): Command {
  const program = new Command('vlab')
    .description('Throw-away libvirt test labs: build them from one file, prove they work, remove them without a trace.')
    .version('0.1.0')
    .option('-f, --file <path>', 'lab file', 'vlab.yaml')
    .option('-c, --connect <uri>', 'libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system)')
    .option('-v, --verbose', 'print every command run (argv, exit code, duration) and every planned file')
    .option('-q, --quiet', 'print only errors and requested data')
    .showHelpAfterError('(run `vlab --help` for usage)')
    .exitOverride();
  for (const register of [registerInit, registerValidate, registerPlan, registerUp, registerVerify, registerDown, registerStatus, registerLs, registerExec, registerImage, registerWatchdog, registerPersist]) register(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}
