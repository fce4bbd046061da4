/** `restore`: bring an up lab back from its recorded state after a reboot — `up` of the lab as recorded. */
import { recordedLab } from './lab-file.js';
import { requireState } from './state.js';
import { labUp, type UpOutcome, type UpRequest } from './up.js';
import { labPlan } from './plan.js';
import type { Host } from '../host/index.js';
import type { Plan } from '../plan/types.js';

export type RestoreRequest = Omit<UpRequest, 'loaded'> & { lab: string };

export async function labRestore(req: RestoreRequest): Promise<UpOutcome> {
  const { state } = requireState(req.root, req.lab);
  const { lab: _name, ...up } = req;
  return labUp({ ...up, loaded: recordedLab(state) });
}

/** `restore --dry-run`: the plan of the lab as recorded (pass a dry-run host); changes nothing. */
export async function labRestorePlan(req: { lab: string; host: Host; root: string }): Promise<Plan> {
  const { state } = requireState(req.root, req.lab);
  return labPlan({ loaded: recordedLab(state), host: req.host, root: req.root });
}
