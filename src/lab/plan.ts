/** `plan`: the facts of the host, read-only, and the pure planner's plan for the lab. */
import type { Host } from '../host/index.js';
import { gatherLabFacts, labHosts } from './lab-hosts.js';
import { planLab, type PlanOptions } from '../plan/planner.js';
import type { Plan } from '../plan/types.js';
import type { ImageInfo } from '../spec/types.js';
import { resolveLabImages, type LoadedLab } from './lab-file.js';

export interface PlanRequest extends PlanOptions {
  loaded: LoadedLab;
  host: Host;
  /** Root of all labs' state. */
  root: string;
  /** The SSH client this vlab runs under, if any (the uplink check of the planner). */
  sshClient?: string;
  /** The lab's images, already resolved by checkLabFile (resolved here otherwise). */
  images?: Record<string, ImageInfo>;
}

/** Gathers the facts and plans; changes nothing on the host. */
export async function labPlan(req: PlanRequest): Promise<Plan> {
  const images = req.images ?? (await resolveLabImages(req.loaded, req.host));
  const lab = req.loaded.lab;
  const facts = await gatherLabFacts(lab, labHosts(lab, req.host), req.host, req.root, { images, ...(req.sshClient ? { sshClient: req.sshClient } : {}) });
  return planLab(req.loaded.lab, facts, { ...(req.allowSshUplink ? { allowSshUplink: true } : {}) });
}
