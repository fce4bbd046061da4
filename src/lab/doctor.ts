/**
 * `vlab doctor`: the host checks (src/doctor/checks.ts over what the probe port reads), with `-f`
 * the lab file's needs against the host, and the leak sweep's listing (src/lab/leftovers.ts).
 * Read-only; prints nothing.
 */
import type { Host } from '../host/index.js';
import { isImageProblem } from '../plan/facts.js';
import { resolveImages } from '../host/image-resolver.js';
import { canRead, canTraverse, hostChecks, labChecks, worst, type Check, type CheckStatus } from '../doctor/checks.js';
import type { LabNeeds, ProbeFacts } from '../doctor/facts.js';
import type { LoadedLab } from './lab-file.js';
import { gatherLeftovers, type LabLeftovers } from './leftovers.js';

export interface DoctorRequest {
  host: Host;
  root: string;
  /** The libvirt URI vlab uses. */
  uri: string;
  /** The lab file given with -f, whose needs are checked too. */
  loaded?: LoadedLab;
}

export interface DoctorReport {
  /** ok, warn or fail: the worst check (leftovers count as warn). */
  status: CheckStatus;
  checks: Check[];
  leftovers: LabLeftovers[];
  /** The lab file's needs, when one was given. */
  lab?: LabNeeds;
  facts: ProbeFacts;
}

const MiB = 1024 ** 2;
/** What a guest's overlay may grow by in a short-lived lab (an estimate the disk check uses). */
const OVERLAY_GROWTH = 256 * MiB;

export async function labDoctor(req: DoctorRequest): Promise<DoctorReport> {
  const [facts, leftovers] = await Promise.all([req.host.probe.probe({ uri: req.uri, stateRoot: req.root }), gatherLeftovers(req.host, req.root)]);
  const checks = hostChecks(facts);
  let lab: LabNeeds | undefined;
  if (req.loaded) {
    lab = await labNeeds(req.loaded, req.host, facts);
    checks.push(...labChecks(lab, facts));
  }
  if (leftovers.length)
    checks.push({
      id: 'leftovers',
      title: 'leftovers',
      status: 'warn',
      seen: leftovers
        .map(
          (l) =>
            `lab ${l.lab} (${l.state === 'ok' ? `state ok, gone: ${l.gone.join(', ')}` : `state ${l.state}; ${l.objects.length} tagged object${l.objects.length === 1 ? '' : 's'}`})`,
        )
        .join('; '),
      fix: leftovers.map((l) => l.fix).join('; '),
    });
  return { status: worst(checks), checks, leftovers, ...(lab ? { lab } : {}), facts };
}

async function labNeeds(loaded: LoadedLab, host: Host, facts: ProbeFacts): Promise<LabNeeds> {
  const { lab } = loaded;
  const images = await resolveImages(lab, host.qemuImg);
  const memoryMiB = lab.guests.reduce((n, g) => n + g.memory, 0);
  return {
    lab: lab.name,
    guests: lab.guests.length,
    memoryMiB,
    diskBytes: memoryMiB * MiB + lab.guests.length * OVERLAY_GROWTH,
    images: Object.entries(images).map(([name, info]) => {
      if (isImageProblem(info)) return { name, problem: info.message };
      const chain = host.probe.chain(info.disk);
      const file = chain.at(-1);
      const readable = !!file && file.dir === info.disk && chain.slice(0, -1).every((d) => canTraverse(d, facts.qemuUser)) && canRead(file, facts.qemuUser);
      return { name, disk: info.disk, format: info.format, readable };
    }),
  };
}
