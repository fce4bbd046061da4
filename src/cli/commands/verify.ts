import fs from 'node:fs';
import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { labNameFrom, requireState } from '../lab-state.js';
import type { GlobalOptions } from '../context.js';
import type { Host, GuestExec } from '../../host/index.js';
import { sshKeysOf } from '../../host/lab-exec.js';
import type { Lab } from '../../spec/types.js';
import { deriveChecks } from '../../verify/checks.js';
import { runChecks } from '../../verify/run-checks.js';
import { renderMatrix } from '../../verify/report-matrix.js';
import { renderJson } from '../../verify/report-json.js';
import { toJunit } from '../../verify/report-junit.js';
import { allPassed } from '../../verify/result.js';
import { domainName } from '../../render/domain-xml.js';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../exit-codes.js';

export interface VerifyCliOptions {
  json?: boolean;
  junit?: string;
  pingTimeout?: string;
}

/** Runs every check of an up lab, prints the reports, and sets exit code 1 on any failure. */
export async function runVerify(lab: Lab, host: Host, exec: GuestExec, opts: VerifyCliOptions, g: GlobalOptions): Promise<boolean> {
  const timeoutSec = Number(opts.pingTimeout ?? '2');
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError(`--ping-timeout must be a positive number, not '${opts.pingTimeout}'`);
  const checks = deriveChecks(lab);
  const t0 = performance.now();
  const results = await runChecks(lab, checks, { exec, domainName: (guest) => domainName(lab, guest), guestState: (guest) => host.libvirt.domainState(domainName(lab, guest)) }, { timeoutSec });
  const seconds = (performance.now() - t0) / 1000;
  if (opts.junit) fs.writeFileSync(opts.junit, toJunit(lab, results, seconds));
  if (opts.json) process.stdout.write(renderJson(lab, results));
  else if (!g.quiet) process.stdout.write(renderMatrix(lab, results, { color: process.stdout.isTTY === true }) + `\n(${seconds.toFixed(1)}s)\n`);
  const ok = allPassed(results);
  if (!ok) process.exitCode = ExitCode.verifyFailed;
  return ok;
}

export function registerVerify(program: Command): void {
  program
    .command('verify [lab]')
    .description('ping from inside every guest: gateways, each other, outside targets (reachable or, for isolated networks, not)')
    .option('--json', 'print results as JSON on stdout')
    .option('--junit <file>', 'write JUnit XML (one testcase per check)')
    .option('--ping-timeout <seconds>', 'deadline of each ping', '2')
    .action(async (labArg: string | undefined, opts: VerifyCliOptions, cmd: Command) => {
      const g = globals(cmd);
      const { state } = requireState(labNameFrom(labArg, g));
      const host = createHostFromCommand(g);
      await runVerify(state.spec, host, host.labExec(sshKeysOf(state.entries)), opts, g);
    });
}
