/**
 * `vlab persist`, `vlab unpersist` and `vlab restore`: keeping a lab across reboots.
 * See docs/persistence.md.
 */
import { Option, type Command } from 'commander';
import { createHostFromCommand, globals, seconds } from '../options.js';
import { selectLab, wholeLabArgument } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { printPersist, printPreview, printUp } from '../reports.js';
import { ExitCode } from '../exit-codes.js';
import { renderEvents } from '../../ui/progress.js';
import { PERSIST_MODES, type PersistMode } from '../../persist/plan-persist.js';
import { labPersist, labPersistPreview, labUnpersist } from '../../lab/persist.js';
import { labRestore, labRestorePlan } from '../../lab/restore.js';

export function registerPersist(program: Command): void {
  wholeLabArgument(program.command('persist'))
    .description('keep an up lab across reboots: a systemd unit running `vlab restore` (default), or ifupdown stanzas and an iptables-restore file')
    .addOption(new Option('--mode <mode>', 'how').choices(PERSIST_MODES).default('systemd'))
    .option('--dry-run', 'print what it would write (as `vlab plan` prints; -v shows each file), and change nothing')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (labArg: string | undefined, opts: { mode: PersistMode; json?: boolean; dryRun?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = selectLab(cmd, labArg);
      const root = stateRootFromEnv();
      if (opts.dryRun) {
        const plan = labPersistPreview({ lab, host: createHostFromCommand(g, true), root, mode: opts.mode });
        return printPreview(plan, g, opts, {
          title: `Persist preview for lab '${lab}' (${opts.mode}): what \`vlab persist\` would write:`,
          summary: (n) => `${n} change${n === 1 ? '' : 's'} to make; nothing was changed (--dry-run).${g.verbose ? '' : ' Run with --verbose to see every file.'}`,
        });
      }
      const p = await labPersist({ lab, host: createHostFromCommand(g), root, mode: opts.mode, lock: true });
      printPersist(p, g, opts);
    });

  wholeLabArgument(program.command('unpersist'))
    .description('remove what `vlab persist` made (files, enable symlink, autostart marks); the lab stays up')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (labArg: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = selectLab(cmd, labArg);
      const r = await labUnpersist({ lab, host: createHostFromCommand(g), root: stateRootFromEnv() });
      if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      if (g.quiet) return;
      if (!r.wasPersisted) process.stdout.write(`Lab '${lab}' was not persisted; nothing to do.\n`);
      else process.stdout.write([`Lab '${lab}' is no longer persisted (it stays up).`, ...r.removed.map((l) => `  ${l}`)].join('\n') + '\n');
    });

  wholeLabArgument(program.command('restore'))
    .description('bring an up lab back from its recorded state after a reboot (what the persisted unit runs): bridges, addresses, rules, forwarding, libvirt networks, guests')
    .addOption(new Option('--timeout <seconds>', 'how long each guest may take to boot and show its addresses').argParser(seconds()).default(300))
    .option('--dry-run', 'print the plan of the recorded lab (as `vlab plan` prints), and change nothing')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (labArg: string | undefined, opts: { timeout: number; json?: boolean; dryRun?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const lab = selectLab(cmd, labArg);
      const root = stateRootFromEnv();
      if (opts.dryRun) {
        const plan = await labRestorePlan({ lab, host: createHostFromCommand(g, true), root });
        printPreview(plan, g, opts, { title: `Restore preview for lab '${lab}' (${plan.accel}, state in ${plan.stateDir}): the plan of the lab as recorded:` });
        if (plan.conflicts.length) process.exitCode = ExitCode.host;
        return;
      }
      const up = await labRestore({
        lab,
        host: createHostFromCommand(g),
        root,
        readyTimeoutSec: opts.timeout,
        uplinkTimeoutSec: 20,
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      });
      printUp(up, g, opts);
    });
}
