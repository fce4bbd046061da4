import { Option, type Command } from 'commander';
import { createHostFromCommand, globals, seconds } from '../options.js';
import { selectLabFile } from '../lab-select.js';
import { sshClientFromEnv, stateRootFromEnv } from '../context.js';
import { printPersist, printUp, printVerify } from '../reports.js';
import { renderEvents } from '../../ui/progress.js';
import { checkLabFile } from '../../lab/lab-file.js';
import { labUp } from '../../lab/up.js';
import { labVerify } from '../../lab/verify.js';
import { persistAfterUp } from '../../lab/persist.js';
import { PERSIST_MODES, type PersistMode } from '../../persist/plan-persist.js';

interface UpCliOptions {
  timeout: number;
  uplinkTimeout: number;
  yes?: boolean;
  verify?: boolean;
  junit?: string;
  pingTimeout: number;
  json?: boolean;
  persist?: PersistMode;
  checkpoint: boolean;
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('build the lab: bridges, forwarding and NAT, libvirt networks, overlays, guest config, domains')
    .addOption(new Option('--timeout <seconds>', 'how long each guest may take to boot and show its addresses').argParser(seconds()).default(300))
    .option('--verify', 'run `vlab verify` when the lab is up')
    .addOption(new Option('--junit <file>', 'write JUnit XML of the verify run (implies --verify)').implies({ verify: true }))
    .addOption(new Option('--ping-timeout <seconds>', 'deadline of each ping of the verify run (implies --verify)').argParser(seconds()).default(2).implies({ verify: true }))
    .option('--json', 'print the result as JSON on stdout')
    .addOption(
      new Option('--uplink-timeout <seconds>', 'how long a bridged uplink may take to prove the host still has its network before vlab rolls it back')
        .argParser(seconds(3))
        .default(20),
    )
    .option('--yes', 'allow bridging the NIC that carries your SSH session')
    .option('--no-checkpoint', 'skip the `ready` checkpoint (its own phase) that `vlab reset` goes back to')
    .addOption(new Option('--persist [mode]', 'keep the lab across reboots: systemd (default) or ifupdown (see `vlab persist`)').choices(PERSIST_MODES).preset('systemd'))
    .action(async (opts: UpCliOptions, cmd: Command) => {
      const g = globals(cmd);
      const host = createHostFromCommand(g);
      const root = stateRootFromEnv();
      const ssh = sshClientFromEnv();
      const { loaded, images } = await checkLabFile(selectLabFile(cmd), host);
      const up = await labUp({
        loaded,
        images,
        host,
        root,
        readyTimeoutSec: opts.timeout,
        uplinkTimeoutSec: opts.uplinkTimeout,
        ...(opts.yes ? { allowSshUplink: true } : {}),
        checkpoint: opts.checkpoint,
        ...(ssh ? { sshClient: ssh } : {}),
        onEvent: renderEvents({ quiet: !!g.quiet || !!opts.json }),
      });
      printUp(up, g, opts);
      if (opts.verify) {
        const v = await labVerify({ lab: up.spec, host, journal: up.plan.actions, pingTimeoutSec: opts.pingTimeout, root });
        printVerify(up.spec, v, g, opts);
      }
      const p = await persistAfterUp({ lab: up.lab, host, root, ...(opts.persist ? { mode: opts.persist } : {}) });
      // With --json, up has already printed its JSON document: the persistence report stays quiet.
      if (p && !opts.json) printPersist(p, g, {});
    });
}
