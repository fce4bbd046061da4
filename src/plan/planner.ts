/**
 * The planner: lab + host facts → an ordered plan of actions with dependencies. Pure (no fs, no
 * subprocess, no libvirt); the apply step executes it.
 */
import type { Lab } from '../spec/types.js';
import type { HostFacts } from './facts.js';
import type { Plan } from './types.js';
import { hostActions } from './host-side.js';
import { guestActions } from './guest-side.js';
import { findConflicts } from './conflicts.js';
import { labPaths } from './paths.js';
import { waveOrder } from './waves.js';
import { planMultiHost } from './multi-host.js';

/** kvm or tcg, from the lab's accel setting and what the host can do. */
export function chooseAccel(lab: Lab, facts: HostFacts): 'kvm' | 'tcg' {
  if (lab.accel === 'tcg') return 'tcg';
  if (lab.accel === 'kvm') return 'kvm';
  return facts.accel.kvm ? 'kvm' : 'tcg';
}

/** What the user allowed on the command line that the plan depends on. */
export interface PlanOptions {
  /** `up --yes`: bridging the NIC that carries the SSH session is allowed. */
  allowSshUplink?: boolean;
}

export async function planLab(lab: Lab, facts: HostFacts, opts: PlanOptions = {}): Promise<Plan> {
  if (lab.hosts) return planMultiHost(lab, facts, opts, chooseAccel);
  const conflicts = findConflicts(lab, facts, opts);
  const accel = chooseAccel(lab, facts);
  const hostSide = await hostActions(lab, facts);
  const actions = [...hostSide, ...(await guestActions(lab, facts, accel, conflicts, hostSide))];
  const ids = new Set(actions.map((a) => a.id));
  for (const a of actions) a.dependsOn = [...new Set(a.dependsOn.filter((d) => ids.has(d)))];
  const notes: string[] = [];
  if (facts.iptables.forwardPolicy === 'DROP')
    notes.push('the FORWARD chain policy is DROP (a Docker host?): vlab adds tagged ACCEPT rules for its networks and removes them at down');
  if (accel === 'tcg' && lab.accel === 'auto') notes.push(`guests run under TCG (software emulation): ${facts.accel.reason}`);
  return { lab: lab.name, stateDir: labPaths(facts.stateRoot, lab.name).dir, accel, actions, conflicts, notes };
}

/** The plan's actions in waves of ids: every action in a wave depends only on earlier waves (what may run in parallel). */
export function waves(plan: Plan): string[][] {
  return waveOrder(plan.actions).map((w) => w.map((a) => a.id));
}
