/**
 * Drives the real core (src/lab: plan, up, restore, down) against the fake Host, in a temp state
 * root, the way the CLI does; every call after the first is "a new vlab process" (state loaded
 * from disk). Image facts are cached under the temp folder (VLAB_CACHE_DIR), never the host's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLabFile } from '../../src/lab/lab-file.js';
import { labPlan } from '../../src/lab/plan.js';
import { labUp, type UpOutcome } from '../../src/lab/up.js';
import { labRestore } from '../../src/lab/restore.js';
import { labDown, type DownOutcome } from '../../src/lab/down.js';
import type { Action, Plan } from '../../src/plan/types.js';
import { FakeHost } from './fake-host.js';
import { fakeLab } from './labs.js';

/** The plan `up` would make now; the fake agent is told the guest addresses it reports after boot. */
export async function planOn(fake: FakeHost, file: string, root: string): Promise<Plan> {
  process.env.VLAB_CACHE_DIR = path.join(root, '..', 'cache');
  const plan = await labPlan({ loaded: loadLabFile(file), host: fake.host, root });
  for (const a of plan.actions) {
    if (a.details.kind !== 'guest.ready') continue;
    for (const nic of a.details.interfaces)
      fake.guestNics.set(nic.mac, { mac: nic.mac, ...(nic.address ? { address: nic.address } : {}), ...(nic.prefix !== undefined ? { prefix: nic.prefix } : {}) });
  }
  return plan;
}

const TIMEOUTS = { readyTimeoutSec: 5, uplinkTimeoutSec: 5 };

/** `vlab up -f file`; onRecorded sees each journal record before its change. */
export async function upOn(fake: FakeHost, file: string, root: string, onRecorded?: (a: Action) => void): Promise<UpOutcome> {
  return labUp({ loaded: loadLabFile(file), host: fake.host, root, ...TIMEOUTS, ...(onRecorded ? { onRecorded } : {}) });
}

/** `vlab restore LAB`: up of the lab as recorded in its state. */
export async function restoreOn(fake: FakeHost, lab: string, root: string): Promise<UpOutcome> {
  return labRestore({ lab, host: fake.host, root, ...TIMEOUTS });
}

/** `vlab down LAB`. */
export async function downOn(fake: FakeHost, lab: string, root: string): Promise<DownOutcome> {
  return labDown({ lab, host: fake.host, root });
}

/**
 * A lab brought up on a fresh fake host in a temp folder (the image under it, the state root
 * beside it): the host's snapshot from before, the outcome, the request fields most core calls
 * take (`r`), and `done()` to remove the folder.
 */
export async function upFakeLab(yaml: string, lab: string, opts: { checkpoint?: boolean; prefix?: string } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? 'vlab-fake-'));
  const root = path.join(dir, 'state');
  fakeLab(yaml, dir);
  const file = path.join(dir, 'vlab.yaml');
  const fake = new FakeHost();
  const before = fake.snapshot();
  await planOn(fake, file, root);
  const up = await labUp({ loaded: loadLabFile(file), host: fake.host, root, ...TIMEOUTS, ...(opts.checkpoint !== undefined ? { checkpoint: opts.checkpoint } : {}) });
  return { dir, root, file, fake, before, up, r: { lab, host: fake.host, root }, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
