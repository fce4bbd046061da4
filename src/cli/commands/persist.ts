/**
 * `vlab persist`, `vlab unpersist` and `vlab restore`: keeping a lab across reboots.
 * See docs/persistence.md.
 */
import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { labNameFrom, requireState } from '../lab-state.js';
import type { LoadedLab } from '../context.js';
import { acquireLock } from '../../state/lock.js';
import { removePersist } from '../../apply/persist.js';
import { PERSIST_MODES } from '../../persist/plan-persist.js';
import { bringUp } from '../../lab/up.js';
import { persist, persistModeOption } from '../../lab/persist.js';

/** The mode of `--persist[=MODE]` / `--mode MODE`: true (flag alone) means systemd. */
export function registerPersist(program: Command): void {
  program
    .command('persist [lab]')
    .description('keep an up lab across reboots: a systemd unit running `vlab restore` (default), or ifupdown stanzas and an iptables-restore file')
    .option('--mode <mode>', `how: ${PERSIST_MODES.join(' or ')}`, 'systemd')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (labArg: string | undefined, opts: { mode: string; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const mode = persistModeOption(opts.mode)!;
      await persist(labNameFrom(labArg, g), mode, g, { lock: true, ...(opts.json ? { json: true } : {}) });
    });

  program
    .command('unpersist [lab]')
    .description('remove what `vlab persist` made (files, enable symlink, autostart marks); the lab stays up')
    .action(async (labArg: string | undefined, _opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const lab = labNameFrom(labArg, g);
      const { store, state } = requireState(lab);
      acquireLock(store.paths.lock, lab);
      const was = state.persist;
      const host = createHostFromCommand(g);
      const removed = await removePersist(host, store, state);
      if (g.quiet) return;
      if (!was && !removed.length) process.stdout.write(`Lab '${lab}' was not persisted; nothing to do.\n`);
      else process.stdout.write([`Lab '${lab}' is no longer persisted (it stays up).`, ...removed.map((l) => `  ${l}`)].join('\n') + '\n');
    });

  program
    .command('restore [lab]')
    .description('bring an up lab back from its recorded state after a reboot (what the persisted unit runs): bridges, addresses, rules, forwarding, libvirt networks, guests')
    .option('--timeout <seconds>', 'how long each guest may take to boot and show its addresses', '300')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (labArg: string | undefined, opts: { timeout: string; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const { state } = requireState(labNameFrom(labArg, g));
      // The lab as recorded: the lab file may have changed or be gone.
      const loaded: LoadedLab = { lab: state.spec, text: '', file: state.labFile, declaredImages: state.spec.images.map((i) => i.name) };
      await bringUp(loaded, g, { timeout: opts.timeout, ...(opts.json ? { json: true } : {}) });
    });
}
