/** How `vlab test` ends: the verify matrix (or JSON), JUnit and artifacts on the real host, and the exit code of the verdict. */
import fs from 'node:fs';
import path from 'node:path';
import type { TestOutcome } from '../lab/test-run.js';
import { HostError, UsageError, BugError } from '../errors.js';
import { writeFileAtomic } from '../host/atomic-write.js';
import type { GlobalOptions } from './context.js';
import { printVerify } from './reports.js';
import { ExitCode } from './exit-codes.js';

function writeOut(file: string, content: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UsageError(`cannot write ${file}: the folder ${dir} does not exist`, 'create it first, or name another path');
  writeFileAtomic(path.resolve(file), content, 0o644);
}

export function printTest(o: TestOutcome, g: GlobalOptions, opts: { json?: boolean; junit?: string; artifacts?: string }): void {
  const r = o.result;
  if (opts.artifacts) {
    for (const [name, content] of Object.entries(r.artifacts)) {
      const f = path.join(opts.artifacts, name);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, content);
    }
  }
  if (opts.junit && r.junit) writeOut(opts.junit, r.junit);
  if (opts.json) process.stdout.write(JSON.stringify({ lab: r.lab, seconds: o.seconds, upSeconds: r.upSeconds, verify: r.verify, down: r.down, error: r.error }, null, 2) + '\n');
  if (r.verify && !opts.json) printVerify(o.loaded.lab, r.verify, g, {});
  else if (r.verify && !r.verify.ok) process.exitCode = ExitCode.verifyFailed;
  if (r.down?.failed.length)
    throw new HostError(
      `the lab's down inside the sandbox left ${r.down.failed.length} object(s) (they died with the sandbox):\n  - ${r.down.failed.join('\n  - ')}`,
      'this is a vlab problem worth reporting, with --artifacts',
    );
  if (r.error) {
    if (r.error.kind === 'usage') throw new UsageError(r.error.message, r.error.hint);
    if (r.error.kind === 'host') throw new HostError(r.error.message, r.error.hint);
    throw new BugError(r.error.message);
  }
  if (!opts.json && !g.quiet)
    process.stdout.write(
      `vlab test ${r.lab}: ${r.verify?.ok ? 'passed' : 'FAILED'} in ${o.seconds.toFixed(1)}s (up ${r.upSeconds?.toFixed(1) ?? '-'}s); nothing of it is left on this host\n`,
    );
}
