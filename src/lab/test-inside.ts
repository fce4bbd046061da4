/**
 * The inside half of `vlab test`, run in the sandbox by the hidden `__test-inside` command: the
 * simulated outside world, then up, verify and down of the lab through the core, with the
 * artifacts (console logs, the journal, the verify JSON) read before `down` removes them. Whatever
 * fails, `down` still runs. Returns the result document the outside half reads; prints nothing.
 */
import type { Host } from '../host/index.js';
import { consoleLogPath, labPaths } from '../plan/paths.js';
import { testWorld } from '../spec/test-world.js';
import { toJunit } from '../verify/report-junit.js';
import { renderJson } from '../verify/report-json.js';
import type { CheckResult } from '../verify/result.js';
import { HostError, UsageError, ValidationError } from '../errors.js';
import type { OnEvent } from '../apply/progress.js';
import { loadLabFile } from './lab-file.js';
import { labUp } from './up.js';
import { labVerify } from './verify.js';
import { labDown } from './down.js';

/** What the inside half hands the outside half (one JSON document on stdout). */
export interface TestResult {
  lab: string;
  /** up: seconds, or the error that stopped it. */
  upSeconds?: number;
  verify?: { ok: boolean; seconds: number; results: CheckResult[] };
  junit?: string;
  /** Files for --artifacts: name → content. */
  artifacts: Record<string, string>;
  down?: { undone: number; failed: string[] };
  error?: { kind: 'usage' | 'host' | 'bug'; message: string; hint?: string };
}

export interface InsideRequest {
  file: string;
  host: Host;
  root: string;
  readyTimeoutSec: number;
  pingTimeoutSec: number;
  /** Open a shell once the lab is up and verified; the lab goes when it exits. */
  shell?: boolean;
  onEvent?: OnEvent;
}

function errorOf(e: unknown): NonNullable<TestResult['error']> {
  const err = e as Error & { hint?: string };
  const kind = e instanceof UsageError || e instanceof ValidationError ? 'usage' : e instanceof HostError ? 'host' : 'bug';
  return { kind, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
}

export async function labTestInside(req: InsideRequest): Promise<TestResult> {
  if (!req.host.sandbox.inside) throw new UsageError('`__test-inside` runs only inside the sandbox `vlab test` starts', 'run `vlab test LAB-FILE`');
  const loaded = loadLabFile(req.file);
  const { lab } = loaded;
  const out: TestResult = { lab: lab.name, artifacts: {} };
  const world = testWorld(lab);
  let up = false;
  try {
    await req.host.sandbox.outsideUp(world.outside);
    if (world.lan) await req.host.sandbox.lanUp(world.lan);
    const t0 = performance.now();
    up = true;
    const o = await labUp({
      loaded,
      host: req.host,
      root: req.root,
      readyTimeoutSec: req.readyTimeoutSec,
      uplinkTimeoutSec: 30,
      checkpoint: false,
      ...(req.onEvent ? { onEvent: req.onEvent } : {}),
    });
    out.upSeconds = (performance.now() - t0) / 1000;
    const v = await labVerify({ lab: o.spec, host: req.host, journal: o.plan.actions, pingTimeoutSec: req.pingTimeoutSec });
    out.verify = v;
    out.junit = toJunit(o.spec, v.results, v.seconds);
    out.artifacts['verify.json'] = renderJson(o.spec, v.results);
    if (req.shell) {
      await req.host.sandbox.shell({ VLAB_TEST_LAB: lab.name, PS1: `(vlab test ${lab.name}) \\w# ` });
    }
  } catch (e) {
    out.error = errorOf(e);
  } finally {
    const paths = labPaths(req.root, lab.name);
    for (const g of lab.guests) {
      const log = consoleLogPath(paths, g.name);
      if (req.host.files.exists(log)) out.artifacts[`console/${g.name}.log`] = req.host.files.read(log);
    }
    if (req.host.files.exists(paths.state)) out.artifacts['state.json'] = req.host.files.read(paths.state);
    if (up) {
      try {
        const d = await labDown({ lab: lab.name, host: req.host, root: req.root, ...(req.onEvent ? { onEvent: req.onEvent } : {}) });
        out.down = { undone: d.undone.length, failed: d.failed.map((f) => `${f.id}: ${f.error}`) };
      } catch (e) {
        out.error ??= errorOf(e);
      }
    }
  }
  return out;
}
