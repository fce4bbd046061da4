/**
 * `vlab test`: a whole lab run for CI, sealed in a sandbox. The lab file is validated here first
 * (a bad file exits 2 before anything starts); then `vlab __test-inside` runs in a fresh sandbox
 * (src/host/sandbox.ts) and hands back its result document on stdout, while its progress streams
 * to this terminal's stderr. Everything the run made dies with the sandbox, whatever happens to
 * this process. Prints nothing; the command writes JUnit and artifacts on the real host.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Host } from '../host/index.js';
import { HostError, UsageError } from '../errors.js';
import { loadLabFile, resolveLabImages, type LoadedLab } from './lab-file.js';
import type { TestResult } from './test-inside.js';

/** The lab `vlab test` runs without a file: the seed lab shipped with vlab. */
export const BUILTIN_LAB = fileURLToPath(new URL('../../examples/seed.yaml', import.meta.url));
const VLAB_BIN = fileURLToPath(new URL('../../bin/vlab.js', import.meta.url));

export interface TestRequest {
  /** The lab file (default: the built-in seed lab). */
  file?: string;
  host: Host;
  /** Bounds the whole run; the sandbox is stopped (and everything in it) when it is over. */
  timeoutSec: number;
  readyTimeoutSec: number;
  pingTimeoutSec: number;
  shell?: boolean;
  /** Passed to the inside run (`-v`, `-q`). */
  verbose?: boolean;
  quiet?: boolean;
}

export interface TestOutcome {
  loaded: LoadedLab;
  result: TestResult;
  seconds: number;
}

export async function labTest(req: TestRequest): Promise<TestOutcome> {
  const file = path.resolve(req.file ?? BUILTIN_LAB);
  const loaded = loadLabFile(file);
  await resolveLabImages(loaded, req.host);
  if (req.host.sandbox.inside) throw new UsageError('`vlab test` is already inside a sandbox', 'run it on the host: it starts its own sandbox');
  const argv = [
    process.execPath,
    VLAB_BIN,
    ...(req.verbose ? ['-v'] : []),
    ...(req.quiet ? ['-q'] : []),
    '-f',
    file,
    '__test-inside',
    '--timeout',
    String(req.readyTimeoutSec),
    '--ping-timeout',
    String(req.pingTimeoutSec),
    ...(req.shell ? ['--shell'] : []),
  ];
  const t0 = performance.now();
  const p = req.host.sandbox.start(argv);
  let timedOut = false;
  const stop = () => {
    timedOut = true;
    p.kill('SIGTERM'); // the sandbox destroys its domains, then everything in it dies
    setTimeout(() => p.kill('SIGKILL'), 40_000).unref();
  };
  const timer = req.shell ? undefined : setTimeout(stop, req.timeoutSec * 1000);
  timer?.unref();
  const onSignal = (sig: NodeJS.Signals) => p.kill(sig);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let r;
  try {
    r = await p.done;
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (timedOut)
    throw new HostError(
      `vlab test of ${loaded.lab.name} timed out after ${req.timeoutSec}s; the sandbox and everything in it were stopped`,
      'raise --timeout, or look at the progress above for the step that hung',
    );
  if (r.exitCode === 125)
    throw new HostError('the sandbox could not be set up (its error is above)', '`vlab doctor` checks what the sandbox needs: root, unshare, libvirtd, virsh, ip');
  const doc = r.stdout.trim().split('\n').pop() ?? '';
  let result: TestResult;
  try {
    result = JSON.parse(doc) as TestResult;
  } catch {
    throw new HostError(
      `the sandboxed run ended (exit ${r.exitCode}${r.signal ? `, ${r.signal}` : ''}) without a result`,
      'its output is above; `vlab test --verbose` shows every command it ran',
    );
  }
  return { loaded, result, seconds };
}
