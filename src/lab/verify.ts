/** `verify` (also `up --verify`): derive the checks of a lab and run them from inside its guests. Prints nothing. */
import { labHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import { sshKeysOf } from '../host/lab-exec.js';
import type { ActionDetails } from '../plan/types.js';
import type { Lab } from '../spec/types.js';
import { deriveChecks } from '../verify/checks.js';
import { runChecks } from '../verify/run-checks.js';
import { allPassed, type CheckResult } from '../verify/result.js';
import { domainName } from '../render/domain-xml.js';
import { toJson } from '../verify/report-json.js';
import { labPaths } from '../plan/paths.js';
import { saveVerifyRecord } from './verify-record.js';

export interface VerifyRequest {
  lab: Lab;
  host: Host;
  /** The lab's journal (or, right after `up`, its plan's actions): its ssh.keys record gives the SSH transport. */
  journal: readonly { details: ActionDetails }[];
  /** Deadline of each ping. */
  pingTimeoutSec: number;
  /** The state root: the outcome is kept as the lab's verify.json (for `vlab graph`); left out, it is not kept. */
  root?: string;
}

export interface VerifyOutcome {
  results: CheckResult[];
  seconds: number;
  ok: boolean;
}

export async function labVerify(req: VerifyRequest): Promise<VerifyOutcome> {
  const { lab } = req;
  const host = labHosts(lab, req.host).routed;
  const t0 = performance.now();
  const results = await runChecks(
    lab,
    deriveChecks(lab),
    { exec: host.labExec(sshKeysOf(req.journal)), domainName: (guest) => domainName(lab, guest), guestState: (guest) => host.libvirt.domainState(domainName(lab, guest)) },
    { timeoutSec: req.pingTimeoutSec },
  );
  if (req.root !== undefined && !host.dryRun) saveVerifyRecord(labPaths(req.root, lab.name), toJson(lab, results));
  return { results, seconds: (performance.now() - t0) / 1000, ok: allPassed(results) };
}
