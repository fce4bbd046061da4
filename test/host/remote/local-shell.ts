/**
 * Test-only: a "remote host" that is this machine. Each argv is turned into the command string
 * remoteRun sends over ssh and run by `sh -c`, as the remote sshd would hand it to the user's
 * shell: a round trip through it proves the quoting.
 */
import { createRunner, type RunFn, type RunOptions, type RunSyncFn } from '../../../src/host/run.js';
import { remoteCommandLine } from '../../../src/host/remote/remote-run.js';

const runner = createRunner();

const viaShell = (argv: string[], opts: RunOptions = {}): [string[], RunOptions] => {
  const { env, ...rest } = opts;
  return [['sh', '-c', remoteCommandLine(argv, env)], rest];
};

/** runSync on "the remote host" (this machine through sh -c). */
export const shellRunSync: RunSyncFn = (argv, opts) => runner.runSync(...viaShell(argv, opts));

/** run on "the remote host" (this machine through sh -c). */
export const shellRun: RunFn = (argv, opts) => runner.run(...viaShell(argv, opts));
