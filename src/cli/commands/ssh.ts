/** `vlab ssh GUEST [-- CMD]` and `vlab ssh-config [LAB]` (docs/guest-exec.md). */
import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { selectGuestLab, selectLab, wholeLabArgument } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { formatSshConfig } from '../ssh-config-text.js';
import { labSsh, labSshConfig } from '../../lab/ssh.js';

export function registerSsh(program: Command): void {
  program
    .command('ssh')
    .argument('<guest>', 'the guest')
    .argument('[command...]', 'a command to run instead of a shell (after --)')
    .description("SSH to a guest as root with the lab's key and its pinned host key: a shell, or the command after --; exits with its exit code (255: ssh failed)")
    .action(async (guest: string, argv: string[], _opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const lab = selectGuestLab(cmd, guest, (l) => `ssh --lab ${l} ${argv[0] ?? 'GUEST'}${argv.length > 1 ? ` -- ${argv.slice(1).join(' ')}` : ''}`);
      process.exitCode = await labSsh({ lab, guest, argv, host: createHostFromCommand(g), root: stateRootFromEnv() });
    });
}

export function registerSshConfig(program: Command): void {
  wholeLabArgument(program.command('ssh-config'))
    .description("print an OpenSSH config block per SSH guest of the lab (Host vlab-LAB-GUEST: the lab's key, the pinned host key)")
    .option('--json', 'print the entries as JSON')
    .action((labArg: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const lab = selectLab(cmd, labArg);
      const entries = labSshConfig({ lab, root: stateRootFromEnv() });
      process.stdout.write(opts.json ? JSON.stringify(entries, null, 2) + '\n' : formatSshConfig(lab, entries));
    });
}
