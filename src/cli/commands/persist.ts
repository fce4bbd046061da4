/**
 * `vlab persist`, `vlab unpersist` and `vlab restore`: keeping a lab across reboots.
 * See docs/persistence.md.
 */
import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { labNameFrom, requireState } from '../lab-state.js';
import type { GlobalOptions, LoadedLab } from '../context.js';
import { acquireLock } from '../../state/lock.js';
import { stateRoot } from '../../plan/paths.js';
import { UsageError } from '../../errors.js';
import { applyPersist, removePersist, type PersistReport } from '../../apply/persist.js';
import { isPersistMode, PERSIST_MODES, type PersistMode } from '../../persist/plan-persist.js';
import { bringUp } from './up.js';

/** The mode of `--persist[=MODE]` / `--mode MODE`: true (flag alone) means systemd. */
export function persistModeOption(value: string | boolean | undefined): PersistMode | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 'systemd';
  if (!isPersistMode(value)) throw new UsageError(`unknown persistence mode '${value}'`, `use one of: ${PERSIST_MODES.join(', ')}`);
  return value;
}

function printReport(lab: string, r: PersistReport, g: GlobalOptions): void {
  if (g.quiet) return;
  const out: string[] = [`Lab '${lab}' is persisted (${r.mode}): it comes back after a reboot.`];
  for (const l of r.removed) out.push(`  removed: ${l}`);
  for (const l of r.made) out.push(`  ${l}`);
  for (const n of r.notes) out.push(`  note: ${n}`);
  process.stdout.write(out.join('\n') + '\n');
}

async function persist(lab: string, mode: PersistMode, g: GlobalOptions, opts: { lock: boolean; json?: boolean }): Promise<void> {
  const { store, state } = requireState(lab);
  if (opts.lock) acquireLock(store.paths.lock, lab);
  const host = createHostFromCommand(g);
  const r = await applyPersist(host, store, state, mode, { stateRoot: stateRoot(process.env.VLAB_STATE_DIR), uri: host.libvirt.uri });
  if (opts.json) process.stdout.write(JSON.stringify({ lab, persisted: r.mode, made: r.made, removed: r.removed, notes: r.notes }, null, 2) + '\n');
  else printReport(lab, r, g);
}

/**
 * Called by `vlab up` once the lab is up (the lock is still held): persists with the mode of
 * `--persist`, or, without it, refreshes a lab that was persisted before (so guests or networks
 * added in place come back too).
 */
export async function persistAfterUp(lab: string, mode: PersistMode | undefined, g: GlobalOptions, opts: { json?: boolean }): Promise<void> {
  const { state } = requireState(lab);
  const m = mode ?? (state.persist && isPersistMode(state.persist) ? state.persist : undefined);
  if (!m) return;
  // With --json, up has already printed its JSON document: stay quiet.
  await persist(lab, m, opts.json ? { ...g, quiet: true } : g, { lock: false });
}

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
