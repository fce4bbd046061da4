/**
 * `vlab doctor`: the host checks (src/doctor/checks.ts over what the probe port reads), with `-f`
 * the lab file's needs against the host, and the leak sweep's listing (src/lab/leftovers.ts).
 * For a multi-host lab, every remote host too, probed over SSH in parallel: the same host checks,
 * the needs of the guests placed there, and the VXLAN checks (src/doctor/host-checks.ts) on every
 * host of a stretched network. Read-only; prints nothing.
 */
import type { Host } from '../host/index.js';
import { isImageProblem } from '../plan/facts.js';
import { resolveImages } from '../host/image-resolver.js';
import { canRead, canTraverse, hostChecks, labChecks, worst, type Check, type CheckStatus } from '../doctor/checks.js';
import type { LabHostFacts, LabNeeds, ProbeFacts } from '../doctor/facts.js';
import { multiHostChecks, unreachableCheck } from '../doctor/host-checks.js';
import { HostError } from '../errors.js';
import type { Lab, LabGuest, LabHost } from '../spec/types.js';
import type { LoadedLab } from './lab-file.js';
import { labHosts } from './lab-hosts.js';
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
  /** The lab file's needs, when one was given (multi-host: of the guests placed on this machine). */
  lab?: LabNeeds;
  facts: ProbeFacts;
  /** Multi-host labs only: each remote host of the lab, in `hosts:` order. */
  hosts?: DoctorHostReport[];
}

/** The checks of one remote host of a multi-host lab. */
export interface DoctorHostReport {
  /** The lab file's name for the host. */
  name: string;
  /** `user@address[:port]`, as ssh is given it. */
  destination: string;
  /** The worst of its checks. */
  status: CheckStatus;
  /** The host checks, its guests' needs and the VXLAN checks; ONE failing check `host` when it could not be probed. */
  checks: Check[];
  /** The needs of the guests placed on it (absent when it could not be probed). */
  lab?: LabNeeds;
  /** What its probe read (absent when it could not be probed). */
  facts?: ProbeFacts;
}

const MiB = 1024 ** 2;
/** What a guest's overlay may grow by in a short-lived lab (an estimate the disk check uses). */
const OVERLAY_GROWTH = 256 * MiB;

export async function labDoctor(req: DoctorRequest): Promise<DoctorReport> {
  const multi = req.loaded?.lab.hosts?.some((h) => !h.local) ? req.loaded.lab : undefined;
  const here = multi?.hosts?.find((h) => h.local);
  // Leftovers are listed for this machine only: a remote host's tagged objects are not looked for.
  const [facts, leftovers, addresses, hosts] = await Promise.all([
    req.host.probe.probe({ uri: req.uri, stateRoot: req.root, ...(multi ? { multiHost: true } : {}) }),
    gatherLeftovers(req.host, req.root),
    multi && here ? req.host.ip.listAddresses() : Promise.resolve([]),
    multi ? remoteReports(multi, req) : Promise.resolve(undefined),
  ]);
  const checks = hostChecks(facts);
  let lab: LabNeeds | undefined;
  if (req.loaded) {
    lab = await labNeeds(req.loaded, req.host, facts, here ? guestsOn(req.loaded.lab, here) : req.loaded.lab.guests);
    checks.push(...labChecks(lab, facts));
  }
  if (multi && here) checks.push(...multiHostChecks(labHostFacts(multi, here, addresses), facts));
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
  const status = worst([...checks, ...(hosts ?? [])]);
  return { status, checks, leftovers, ...(lab ? { lab } : {}), facts, ...(hosts ? { hosts } : {}) };
}

/** The guests placed on a lab host. */
function guestsOn(lab: Lab, h: LabHost): LabGuest[] {
  return lab.guests.filter((g) => g.host === h.name);
}

/** What the VXLAN checks of one host need: its underlay, the stretched networks on it, its addresses. */
function labHostFacts(lab: Lab, h: LabHost, addresses: { ifname: string; cidr: string }[]): LabHostFacts {
  return {
    name: h.name,
    ...(h.underlay ? { underlay: h.underlay } : {}),
    stretched: lab.networks.filter((n) => (n.hosts?.length ?? 0) > 1 && n.hosts?.includes(h.name)).map((n) => n.name),
    vxlanMtu: lab.vxlan?.mtu ?? 1450,
    addresses: addresses.map((a) => ({ ifname: a.ifname, cidr: a.cidr })),
  };
}

/** `user@address[:port]` of a remote lab host. */
function destination(h: LabHost): string {
  return `${h.ssh?.user ?? 'root'}@${h.ssh?.host ?? h.name}${h.ssh?.port ? `:${h.ssh.port}` : ''}`;
}

/** Every remote host of the lab, probed in parallel; one that cannot be reached is one failing check. */
function remoteReports(lab: Lab, req: DoctorRequest): Promise<DoctorHostReport[]> {
  const { remotes } = labHosts(lab, req.host);
  return Promise.all(
    (lab.hosts ?? [])
      .filter((h) => !h.local)
      .map(async (h): Promise<DoctorHostReport> => {
        const host = remotes[h.name]!;
        try {
          const [facts, addresses] = await Promise.all([host.probe.probe({ uri: h.libvirtUri, stateRoot: req.root, multiHost: true }), host.ip.listAddresses()]);
          // The guests' memory and disk are judged where they run; their images are the controller's
          // (disks are configured here and copied), so image checks stay with this machine's.
          const needs = guestNeeds(lab, guestsOn(lab, h));
          const checks = [...hostChecks(facts), ...(needs.guests ? labChecks(needs, facts) : []), ...multiHostChecks(labHostFacts(lab, h, addresses), facts)];
          return { name: h.name, destination: destination(h), status: worst(checks), checks, lab: needs, facts };
        } catch (e) {
          if (!(e instanceof HostError)) throw e;
          return { name: h.name, destination: destination(h), status: 'fail', checks: [unreachableCheck(h.name, e)] };
        }
      }),
  );
}

/** Memory and disk of these guests (no images: those are checked on the controller, where disks are configured). */
function guestNeeds(lab: Lab, guests: LabGuest[]): LabNeeds {
  const memoryMiB = guests.reduce((n, g) => n + g.memory, 0);
  return { lab: lab.name, guests: guests.length, memoryMiB, diskBytes: memoryMiB * MiB + guests.length * OVERLAY_GROWTH, images: [] };
}

async function labNeeds(loaded: LoadedLab, host: Host, facts: ProbeFacts, guests: LabGuest[]): Promise<LabNeeds> {
  const { lab } = loaded;
  const images = await resolveImages(lab, host.qemuImg);
  const { memoryMiB, diskBytes } = guestNeeds(lab, guests);
  return {
    lab: lab.name,
    guests: guests.length,
    memoryMiB,
    diskBytes,
    images: Object.entries(images).map(([name, info]) => {
      if (isImageProblem(info)) return { name, problem: info.message };
      const chain = host.probe.chain(info.disk);
      const file = chain.at(-1);
      const readable = !!file && file.dir === info.disk && chain.slice(0, -1).every((d) => canTraverse(d, facts.qemuUser)) && canRead(file, facts.qemuUser);
      return { name, disk: info.disk, format: info.format, readable };
    }),
  };
}
