import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { labNameFrom, requireState } from '../lab-state.js';
import { domainName } from '../../render/domain-xml.js';
import { HostError, UsageError } from '../../errors.js';
import { sshKeysOf } from '../../host/lab-exec.js';

export function registerExec(program: Command): void {
  program
    .command('exec <guest> <command...>')
    .description('run a command in a guest (argv, no shell unless you call one) and exit with its exit code; put -- before the command')
    .option('--lab <name>', "the lab (default: the lab file's name)")
    .option('--timeout <seconds>', 'kill the command after this long', '60')
    .option('--json', 'print {exitCode, stdout, stderr} as JSON')
    .option('-i, --stdin', "send vlab's standard input (text, read to its end) to the command")
    .action(async (guestName: string, argv: string[], opts: { lab?: string; timeout: string; json?: boolean; stdin?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const timeoutSec = Number(opts.timeout);
      if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not '${opts.timeout}'`);
      const { state } = requireState(labNameFrom(opts.lab, g));
      const guest = state.spec.guests.find((x) => x.name === guestName);
      if (!guest) throw new UsageError(`lab '${state.lab}' has no guest '${guestName}'`, `guests: ${state.spec.guests.map((x) => x.name).join(', ')}`);
      const host = createHostFromCommand(g);
      const dom = domainName(state.spec, guest);
      const st = await host.libvirt.domainState(dom);
      if (st !== 'running') throw new HostError(`guest '${guestName}' is not running (libvirt state: ${st})`, 'run `vlab up` to start it');
      const exec = host.labExec(sshKeysOf(state.entries));
      const stdin = opts.stdin ? await readStdin() : undefined;
      const r = await exec.exec(dom, argv, { timeoutMs: timeoutSec * 1000, ...(stdin !== undefined ? { stdin } : {}) });
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
      else {
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
      }
      process.exitCode = r.exitCode;
    });
}

/** All of vlab's standard input, as text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
