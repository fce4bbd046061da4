/**
 * Drives the real core (src/lab: plan, up, restore, down) against the fake Host, in a temp state
 * root, the way the CLI does; every call after the first is "a new vlab process" (state loaded
 * from disk). Image facts are cached under the temp folder (VLAB_CACHE_DIR), never the host's.
 */
import path from 'node:path';
import { loadLabFile } from '../../src/lab/lab-file.js';
import { labPlan } from '../../src/lab/plan.js';
import { labUp, type UpOutcome } from '../../src/lab/up.js';
import { labRestore } from '../../src/lab/restore.js';
import { labDown, type DownOutcome } from '../../src/lab/down.js';
import type { Action, Plan } from '../../src/plan/types.js';
import type { FakeHost } from './fake-host.js';

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
