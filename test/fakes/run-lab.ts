/**
 * Drives the real apply and down steps against the fake Host: gathers facts through the fake's
 * ports, plans with the pure planner, applies with the journal in a temp state root, and replays
 * it for `down` the way a new vlab process would (state loaded from disk).
 */
import path from 'node:path';
import { gatherFacts } from '../../src/host/facts.js';
import { gatherImageFacts } from '../../src/host/image-facts.js';
import { ImageCache } from '../../src/host/image-cache.js';
import { planLab } from '../../src/plan/planner.js';
import { labPaths } from '../../src/plan/paths.js';
import { StateStore, type LabState } from '../../src/state/store.js';
import { applyUp, type UpReport } from '../../src/apply/up.js';
import { applyDown, type DownReport } from '../../src/apply/down.js';
import type { Action, Plan } from '../../src/plan/types.js';
import type { ImageInfo, Lab } from '../../src/spec/types.js';
import type { Progress } from '../../src/ui/progress.js';
import type { FakeHost } from './fake-host.js';

/** Progress that prints nothing. */
export const silent: Progress = { phase() {}, update() {}, succeed() {}, fail() {}, line() {} };

/** The plan `up` would make now, and the guest addresses the fake agent reports after boot. */
export async function planOn(fake: FakeHost, lab: Lab, images: Record<string, ImageInfo>, root: string): Promise<Plan> {
  const facts = await gatherFacts(lab, fake.host, root, images);
  facts.imageFacts = await gatherImageFacts(lab, images, fake.host, new ImageCache(path.join(root, '..', 'cache')));
  const plan = await planLab(lab, facts);
  for (const a of plan.actions) {
    if (a.details.kind !== 'guest.ready') continue;
    for (const nic of a.details.interfaces)
      fake.guestNics.set(nic.mac, { mac: nic.mac, ...(nic.address ? { address: nic.address } : {}), ...(nic.prefix !== undefined ? { prefix: nic.prefix } : {}) });
  }
  return plan;
}

/** `vlab up`'s apply step over `plan`; onRecorded sees each journal record before its change. */
export async function upOn(fake: FakeHost, lab: Lab, plan: Plan, root: string, onRecorded?: (a: Action) => void): Promise<UpReport> {
  const store = new StateStore(labPaths(root, lab.name));
  const now = new Date().toISOString();
  const state: LabState = store.load() ?? { version: 1, lab: lab.name, labFile: '/labs/vlab.yaml', accel: plan.accel, createdAt: now, updatedAt: now, spec: lab, entries: [] };
  return applyUp({ lab, plan, host: fake.host, store, state, progress: silent, readyTimeoutSec: 5, uplinkTimeoutSec: 5, ...(onRecorded ? { onRecorded } : {}) });
}

/** `vlab down` as a new process: the state as saved on disk; undefined when there is none. */
export async function downOn(fake: FakeHost, labName: string, root: string): Promise<DownReport | undefined> {
  const store = new StateStore(labPaths(root, labName));
  const state = store.load();
  if (!state) return undefined;
  return applyDown(fake.host, store, state, { progress: silent, forwardingNeededElsewhere: false });
}
