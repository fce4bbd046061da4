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

/** kvm or tcg, from the lab's accel setting and what the host can do. */
export function chooseAccel(lab: Lab, facts: HostFacts): 'kvm' | 'tcg' {
  if (lab.accel === 'tcg') return 'tcg';
  if (lab.accel === 'kvm') return 'kvm';
  return facts.accel.kvm ? 'kvm' : 'tcg';
}

export async function planLab(lab: Lab, facts: HostFacts): Promise<Plan> {
  const conflicts = findConflicts(lab, facts);
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

/** Groups actions into waves: every action in a wave depends only on earlier waves (what may run in parallel). */
export function waves(plan: Plan): string[][] {
  const done = new Set<string>();
  const left = [...plan.actions];
  const out: string[][] = [];
  while (left.length) {
    const wave = left.filter((a) => a.dependsOn.every((d) => done.has(d)));
    if (!wave.length) throw new Error(`dependency cycle among ${left.map((a) => a.id).join(', ')}`);
    out.push(wave.map((a) => a.id));
    for (const a of wave) {
      done.add(a.id);
      left.splice(left.indexOf(a), 1);
    }
  }
  return out;
}
