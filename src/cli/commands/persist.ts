/**
 * `vlab persist`, `vlab unpersist` and `vlab restore`: keeping a lab across reboots.
 * See docs/persistence.md.
 */
import type { Command } from 'commander';
import { createHostFromCommand, globals, persistModeOption, secondsOption } from '../options.js';
import { labNameFrom } from '../lab-state.js';
import { stateRootFromEnv } from '../context.js';
import { printPersist, printUp } from '../reports.js';
import { renderEvents } from '../../ui/progress.js';
import { PERSIST_MODES } from '../../persist/plan-persist.js';
import { labPersist, labUnpersist } from '../../lab/persist.js';
import { labRestore } from '../../lab/restore.js';

export function registerPersist(program: Command): void {
  program
    .command('persist [lab]')
    .description('keep an up lab across reboots: a systemd unit running `vlab restore` (default), or ifupdown stanzas and an iptables-restore file')
    .option('--mode <mode>', `how: ${PERSIST_MODES.join(' or ')}`, 'systemd')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (labArg: string | undefined, opts: { mode: string; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const mode = persistModeOption(opts.mode)!;
      const p = await labPersist({ lab: labNameFrom(labArg, g), host: createHostFromCommand(g), root: stateRootFromEnv(), mode, lock: true });
      printPersist(p, g, opts);
    });

  program
    .command('unpersist [lab]')
    .description('remove what `vlab persist` made (files, enable symlink, autostart marks); the lab stays up')
    .action(async (labArg: string | undefined, _opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const lab = labNameFrom(labArg, g);
      const r = await labUnpersist({ lab, host: createHostFromCommand(g), root: stateRootFromEnv() });
      if (g.quiet) return;
      if (!r.wasPersisted) process.stdout.write(`Lab '${lab}' was not persisted; nothing to do.\n`);
      else process.stdout.write([`Lab '${lab}' is no longer persisted (it stays up).`, ...r.removed.map((l) => `  ${l}`)].join('\n') + '\n');
    });

  program
    .command('restore [lab]')
    .description('bring an up lab back from its recorded state after a reboot (what the persisted unit runs): bridges, addresses, rules, forwarding, libvirt networks, guests')
    .option('--timeout <seconds>', 'how long each guest may take to boot and show its addresses', '300')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (labArg: string | undefined, opts: { timeout: string; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const readyTimeoutSec = secondsOption('--timeout', opts.timeout);
      const up = await labRestore({
        lab: labNameFrom(labArg, g),
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        readyTimeoutSec,
        uplinkTimeoutSec: 20,
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      });
      printUp(up, g, opts);
    });
}
