/** `verify`'s shared flow: derive the checks, run them in the guests, print the report (also used by `up --verify`). */
import fs from 'node:fs';
import type { GlobalOptions } from '../cli/context.js';
import type { Host, GuestExec } from '../host/index.js';
import type { Lab } from '../spec/types.js';
import { deriveChecks } from '../verify/checks.js';
import { runChecks } from '../verify/run-checks.js';
import { renderMatrix } from '../verify/report-matrix.js';
import { renderJson } from '../verify/report-json.js';
import { toJunit } from '../verify/report-junit.js';
import { allPassed } from '../verify/result.js';
import { domainName } from '../render/domain-xml.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../cli/exit-codes.js';

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
  const results = await runChecks(
    lab,
    checks,
    { exec, domainName: (guest) => domainName(lab, guest), guestState: (guest) => host.libvirt.domainState(domainName(lab, guest)) },
    { timeoutSec },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (opts.junit) fs.writeFileSync(opts.junit, toJunit(lab, results, seconds));
  if (opts.json) process.stdout.write(renderJson(lab, results));
  else if (!g.quiet) process.stdout.write(renderMatrix(lab, results, { color: process.stdout.isTTY === true }) + `\n(${seconds.toFixed(1)}s)\n`);
  const ok = allPassed(results);
  if (!ok) process.exitCode = ExitCode.verifyFailed;
  return ok;
}
