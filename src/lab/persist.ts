/** `persist`'s shared flow (also `up --persist`): plan and apply the persistence files, print what was done. */
/**
 * `vlab persist`, `vlab unpersist` and `vlab restore`: keeping a lab across reboots.
 * See docs/persistence.md.
 */
import { createHostFromCommand } from '../cli/options.js';
import { requireState } from '../cli/lab-state.js';
import type { GlobalOptions } from '../cli/context.js';
import { acquireLock } from '../state/lock.js';
import { stateRoot } from '../plan/paths.js';
import { UsageError } from '../errors.js';
import { applyPersist, type PersistReport } from '../apply/persist.js';
import { isPersistMode, PERSIST_MODES, type PersistMode } from '../persist/plan-persist.js';

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

export async function persist(lab: string, mode: PersistMode, g: GlobalOptions, opts: { lock: boolean; json?: boolean }): Promise<void> {
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
