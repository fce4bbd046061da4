import type { Command } from 'commander';
import { createHostFromCommand, globals, persistModeOption, secondsOption } from '../options.js';
import { sshClientFromEnv, stateRootFromEnv } from '../context.js';
import { printPersist, printUp, printVerify } from '../reports.js';
import { renderEvents } from '../../ui/progress.js';
import { loadLabFile } from '../../lab/lab-file.js';
import { labUp } from '../../lab/up.js';
import { labVerify } from '../../lab/verify.js';
import { persistAfterUp } from '../../lab/persist.js';

interface UpCliOptions {
  timeout: string;
  uplinkTimeout: string;
  yes?: boolean;
  verify?: boolean;
  junit?: string;
  pingTimeout: string;
  json?: boolean;
  persist?: string | boolean;
  checkpoint: boolean;
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('build the lab: bridges, forwarding and NAT, libvirt networks, overlays, guest config, domains')
    .option('--timeout <seconds>', 'how long each guest may take to boot and show its addresses', '300')
    .option('--verify', 'run `vlab verify` when the lab is up')
    .option('--junit <file>', 'with --verify: write JUnit XML')
    .option('--ping-timeout <seconds>', 'with --verify: deadline of each ping', '2')
    .option('--json', 'print the result as JSON on stdout')
    .option('--uplink-timeout <seconds>', 'how long a bridged uplink may take to prove the host still has its network before vlab rolls it back', '20')
    .option('--yes', 'allow bridging the NIC that carries your SSH session')
    .option('--no-checkpoint', 'skip the `ready` checkpoint (its own phase) that `vlab reset` goes back to')
    .option('--persist [mode]', 'keep the lab across reboots: systemd (default) or ifupdown (see `vlab persist`)')
    .action(async (opts: UpCliOptions, cmd: Command) => {
      const g = globals(cmd);
      const readyTimeoutSec = secondsOption('--timeout', opts.timeout);
      const uplinkTimeoutSec = secondsOption('--uplink-timeout', opts.uplinkTimeout, 3);
      const pingTimeoutSec = secondsOption('--ping-timeout', opts.pingTimeout);
      const mode = persistModeOption(opts.persist);
      const loaded = loadLabFile(g.file);
      const host = createHostFromCommand(g);
      const root = stateRootFromEnv();
      const ssh = sshClientFromEnv();
      const up = await labUp({
        loaded,
        host,
        root,
        readyTimeoutSec,
        uplinkTimeoutSec,
        ...(opts.yes ? { allowSshUplink: true } : {}),
        checkpoint: opts.checkpoint,
        ...(ssh ? { sshClient: ssh } : {}),
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      });
      printUp(up, g, opts);
      if (opts.verify) {
        const v = await labVerify({ lab: up.spec, host, journal: up.plan.actions, pingTimeoutSec, root });
        printVerify(up.spec, v, g, opts);
      }
      const p = await persistAfterUp({ lab: up.lab, host, root, ...(mode ? { mode } : {}) });
      // With --json, up has already printed its JSON document: the persistence report stays quiet.
      if (p && !opts.json) printPersist(p, g, {});
    });
}
