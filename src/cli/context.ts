/** What every command shares: global options, loading the lab file, the host adapters, facts. */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError, ValidationError } from '../errors.js';
import { parseLab, locateProblems } from '../spec/load.js';
import type { ImageInfo, Lab } from '../spec/types.js';
import type { TraceEvent } from '../host/run.js';
import { createHost, type Host } from '../host/index.js';
import { gatherFacts } from '../host/facts.js';
import { gatherImageFacts } from '../host/image-facts.js';
import { resolveImages } from '../host/image-resolver.js';
import { isImageProblem, type HostFacts, type ImageProblem } from '../plan/facts.js';
import { labPaths, stateRoot, type LabPaths } from '../plan/paths.js';
import type { RawProblem } from '../spec/zod-problems.js';

export interface GlobalOptions {
  file: string;
  connect?: string;
  verbose?: boolean;
  quiet?: boolean;
}

export interface LoadedLab {
  lab: Lab;
  text: string;
  file: string;
  /** Image names declared under images: (the others are paths written on guests). */
  declaredImages: string[];
}

/** The --verbose trace: every command with argv, exit code and duration, on stderr (undefined without -v). */
export function traceFor(opts: GlobalOptions): ((e: TraceEvent) => void) | undefined {
  if (!opts.verbose) return undefined;
  return (e) =>
    process.stderr.write(
      `  $ ${e.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}  ${e.skipped ? '[dry-run: skipped]' : `→ exit ${e.exitCode} in ${e.durationMs.toFixed(0)} ms`}\n`,
    );
}

/** Reads and validates the lab file (exit 2 with every problem when it is invalid). */
export function loadLab(opts: GlobalOptions): LoadedLab {
  const file = path.resolve(opts.file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `lab file ${file} does not exist` : `cannot read lab file ${file}: ${(e as Error).message}`,
      code === 'ENOENT' ? 'create one with `vlab init`, or name it with -f PATH' : undefined,
    );
  }
  const lab = parseLab(text, file);
  const declared = (parseYaml(text) as { images?: Record<string, unknown> } | null)?.images ?? {};
  return { lab, text, file, declaredImages: Object.keys(declared) };
}

/** The host adapters for these options; dry-run skips every change (reads still run). */
export function hostFor(opts: GlobalOptions, dryRun = false): Host {
  const trace = traceFor(opts);
  return createHost({ ...(opts.connect ? { uri: opts.connect } : {}), dryRun, ...(trace ? { trace } : {}) });
}

export function pathsFor(lab: string): LabPaths {
  return labPaths(stateRoot(process.env.VLAB_STATE_DIR), lab);
}

/** Resolves images and turns image problems into validation problems located in the lab file. */
export async function resolveLabImages(loaded: LoadedLab, host: Host): Promise<Record<string, ImageInfo | ImageProblem>> {
  const images = await resolveImages(loaded.lab, host.qemuImg);
  const raw: RawProblem[] = [];
  for (const [name, info] of Object.entries(images)) {
    if (!isImageProblem(info)) continue;
    // A key of images: points at its entry; a path written on a guest points at that guest's image:.
    const user = loaded.lab.guests.find((g) => g.image === name);
    const at = loaded.declaredImages.includes(name) ? ['images', name] : ['guests', user?.name ?? '', 'image'];
    raw.push({ path: at, message: `image '${name}': ${info.message}`, ...(info.hint ? { hint: info.hint } : {}) });
  }
  if (raw.length) throw new ValidationError(locateProblems(loaded.text, loaded.file, raw));
  return images;
}

/** Everything the planner needs to know about the host, read-only. */
export async function factsFor(loaded: LoadedLab, host: Host): Promise<HostFacts> {
  const root = stateRoot(process.env.VLAB_STATE_DIR);
  const paths = labPaths(root, loaded.lab.name);
  const images = await resolveLabImages(loaded, host);
  const facts = await gatherFacts(loaded.lab, host, root, images);
  facts.imageFacts = await gatherImageFacts(loaded.lab, images, host);
  facts.stateRoot = root;
  facts.stateDir = paths.dir;
  facts.stateFiles = listFiles(paths.dir);
  facts.dhcpClients = loaded.lab.networks.flatMap((n) => (n.uplink ? host.processes.dhcpClients(n.uplink).map((c) => ({ ifname: c.ifname, argv: c.argv })) : []));
  const ssh = process.env.SSH_CONNECTION?.split(' ')[0];
  if (ssh) facts.sshClient = ssh;
  return facts;
}

function listFiles(dir: string): string[] {
  try {
    return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}
