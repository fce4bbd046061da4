/** `vlab snapshot save|ls|restore|rm`: whole-lab snapshots (docs/snapshots.md). */
import { Option, type Command } from 'commander';
import { createHostFromCommand, globals, seconds } from '../options.js';
import { selectLab } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { printSnapshotRestored } from '../reports.js';
import { table } from '../table.js';
import { renderEvents } from '../../ui/progress.js';
import { labSnapshotList, labSnapshotRemove, labSnapshotRestore, labSnapshotSave } from '../../lab/snapshot.js';

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export function registerSnapshot(program: Command): void {
  const snap = program.command('snapshot').description('whole-lab snapshots: every guest paused, its memory and disk saved, then all resumed');
  snap
    .command('save <name>')
    .description('save the running lab as snapshot NAME')
    .option('--force', 'replace a snapshot of that name')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (name: string, opts: { force?: boolean; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const r = await labSnapshotSave({
        lab: selectLab(cmd),
        name,
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        ...(opts.force ? { force: true } : {}),
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      });
      if (opts.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else if (!g.quiet) process.stdout.write(`Lab '${r.lab}': snapshot '${r.name}' saved (${r.guests.join(', ')}) in ${r.seconds.toFixed(1)}s.\n`);
    });
  snap
    .command('ls')
    .description("list the lab's snapshots: name, time, guests, disk space")
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const list = await labSnapshotList({ lab: selectLab(cmd), host: createHostFromCommand(g), root: stateRootFromEnv() });
      if (opts.json) return void process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      if (!list.length) return void (g.quiet || process.stdout.write('No snapshots (save one with `vlab snapshot save NAME`).\n'));
      process.stdout.write(
        table([
          ['NAME', 'TAKEN', 'GUESTS', 'MEMORY', 'STATE'],
          ...list.map((s) => [s.name, s.takenAt, s.guests.join(','), mib(s.memoryBytes), s.complete ? 'complete' : 'incomplete (save again with --force)']),
        ]) + `\n(the lab's overlays take ${mib(list[0]!.overlayBytes)} in all, every snapshot's disk state included)\n`,
      );
    });
  snap
    .command('restore <name> [guests...]')
    .description('bring the lab (or only the guests named) back to snapshot NAME: running, no reboot; the host side is repaired first')
    .addOption(new Option('--timeout <seconds>', 'how long each guest may take to show its addresses again').argParser(seconds()).default(60))
    .option('--json', 'print the result as JSON on stdout')
    .action(async (name: string, guests: string[], opts: { timeout: number; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const r = await labSnapshotRestore({
        lab: selectLab(cmd),
        name,
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        guests,
        readyTimeoutSec: opts.timeout,
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      });
      printSnapshotRestored(r, g, opts);
    });
  snap
    .command('rm <name>')
    .description('delete snapshot NAME (its memory and disk state in every overlay)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const r = await labSnapshotRemove({ lab: selectLab(cmd), name, host: createHostFromCommand(g), root: stateRootFromEnv() });
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else if (!g.quiet) process.stdout.write(`Lab '${r.lab}': snapshot '${r.name}' removed (${r.removed}).\n`);
    });
}
