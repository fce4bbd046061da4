import type { Command } from 'commander';
import { globals } from '../options.js';
import { loadLab } from '../context.js';
import { persistAfterUp, persistModeOption } from '../../lab/persist.js';
import { bringUp, type UpOptions } from '../../lab/up.js';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('build the lab: bridges, forwarding and NAT, libvirt networks, overlays, guest config, domains')
    .option('--timeout <seconds>', 'how long each guest may take to boot and show its addresses', '300')
    .option('--verify', 'run `vlab verify` when the lab is up')
    .option('--junit <file>', 'with --verify: write JUnit XML')
    .option('--json', 'print the result as JSON on stdout')
    .option('--uplink-timeout <seconds>', 'how long a bridged uplink may take to prove the host still has its network before vlab rolls it back', '20')
    .option('--yes', 'allow bridging the NIC that carries your SSH session')
    .option('--persist [mode]', 'keep the lab across reboots: systemd (default) or ifupdown (see `vlab persist`)')
    .action(async (opts: UpOptions & { persist?: string | boolean }, cmd: Command) => {
      const g = globals(cmd);
      const persist = persistModeOption(opts.persist);
      const loaded = loadLab(g);
      await bringUp(loaded, g, opts);
      await persistAfterUp(loaded.lab.name, persist, g, { json: !!opts.json });
    });
}
