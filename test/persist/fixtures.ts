/**
 * Recorded states for the persistence tests: a lab planned against a hand-built host, with every
 * action journaled as done (what `state.json` holds once `vlab up` finished). Test-only.
 */
import { readFileSync } from 'node:fs';
import { planLab } from '../../src/plan/planner.js';
import type { HostFacts } from '../../src/plan/facts.js';
import { parseLab } from '../../src/spec/load.js';
import type { Lab } from '../../src/spec/types.js';
import type { LabState } from '../../src/state/store.js';
import type { PersistInput } from '../../src/persist/plan-persist.js';
import { emptyHost } from '../fixtures/plan/empty-host.js';
import { dockerHost } from '../fixtures/plan/docker-host.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');

/** The seed lab at a fixed fake path, so no golden depends on the checkout's location. */
export const seedLab: Lab = parseLab(readFileSync(new URL('../../examples/seed.yaml', import.meta.url), 'utf8'), '/labs/seed.yaml');

/** The state of `lab` after a full `up` on a host (only changes vlab made are journaled). */
export async function upState(lab: Lab, host: (template: string) => HostFacts = emptyHost): Promise<LabState> {
  const plan = await planLab(lab, host(template));
  const at = '2025-01-01T00:00:00.000Z';
  return {
    version: 1,
    lab: lab.name,
    labFile: lab.file,
    accel: plan.accel,
    createdAt: at,
    updatedAt: at,
    spec: lab,
    entries: plan.actions
      .filter((a) => !a.satisfied && a.kind !== 'guest.ready')
      .map((a) => ({ id: a.id, kind: a.kind, target: a.target, details: a.details, status: 'done' as const, at })),
  };
}

export const dockerSeedState = () => upState(seedLab, dockerHost);

/** Fixed inputs for goldens: a fake checkout and node. */
export const FAKE_INPUT: PersistInput = { node: '/usr/bin/node', vlabJs: '/opt/vlab/bin/vlab.js', stateRoot: '/var/lib/vlab', uri: 'qemu:///system', missingDirs: [] };
