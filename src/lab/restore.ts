/** `restore`: bring an up lab back from its recorded state after a reboot — `up` of the lab as recorded. */
import { recordedLab } from './lab-file.js';
import { requireState } from './state.js';
import { labUp, type UpOutcome, type UpRequest } from './up.js';

export type RestoreRequest = Omit<UpRequest, 'loaded'> & { lab: string };

export async function labRestore(req: RestoreRequest): Promise<UpOutcome> {
  const { state } = requireState(req.root, req.lab);
  const { lab: _name, ...up } = req;
  return labUp({ ...up, loaded: recordedLab(state) });
}
