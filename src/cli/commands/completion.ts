/** `vlab completion bash|zsh|fish` (scripts generated from the commander tree) and the hidden `vlab __complete labs|guests` they call. */
import { Argument, type Command } from 'commander';
import { COMMANDS } from '../help.js';
import { baseProgram, registerCommands } from '../program.js';
import { completionTree } from '../completion-tree.js';
import { bashCompletion, zshCompletion } from '../completion-bash.js';
import { fishCompletion } from '../completion-fish.js';
import { globals } from '../options.js';
import { selectLab } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { labNames, recordedGuests } from '../../lab/state.js';
import { guestNamesOfFile } from '../../lab/lab-file.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .description('print a completion script for bash, zsh or fish: commands, options, lab names and the guest names of the current lab')
    .action(async (shell: Shell) => {
      // Every command, registered in a program of its own, so the script knows all of them.
      const full = baseProgram();
      await registerCommands(full, COMMANDS);
      const tree = completionTree(full);
      process.stdout.write(shell === 'bash' ? bashCompletion(tree) : shell === 'zsh' ? zshCompletion(tree) : fishCompletion(tree));
    });
}

export function registerCompleteNames(program: Command): void {
  program
    .command('__complete', { hidden: true })
    .addArgument(new Argument('<what>', 'labs or guests').choices(['labs', 'guests']))
    .description('internal: lab names (the state root) or the guest names of the current lab, one a line, for the completion scripts')
    .action((what: 'labs' | 'guests', _opts: unknown, cmd: Command) => {
      const root = stateRootFromEnv();
      let names: string[] = [];
      if (what === 'labs') names = labNames(root);
      else {
        // The lab as every command would choose it; up: its recorded guests, else the lab file's.
        let lab: string | undefined;
        try {
          lab = selectLab(cmd);
        } catch {
          lab = undefined;
        }
        names = (lab !== undefined ? recordedGuests(root, lab) : undefined) ?? guestNamesOfFile(globals(cmd).file);
      }
      if (names.length) process.stdout.write(names.join('\n') + '\n');
    });
}
