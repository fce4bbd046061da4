/** Where vlab keeps a lab's files. Pure path arithmetic. */
import { createHash } from 'node:crypto';
import path from 'node:path';

/** Root of all labs' state: VLAB_STATE_DIR or /var/lib/vlab (the caller passes the env value in). */
export function stateRoot(env: string | undefined): string {
  return path.resolve(env || '/var/lib/vlab');
}

export interface LabPaths {
  dir: string;
  state: string;
  summary: string;
  disks: string;
  console: string;
  /** The last `vlab verify` outcome (its --json document), kept for `vlab graph`. */
  verify: string;
  lock: string;
  /** The undo facts a sweep needs without the journal (previous ip_forward, an uplink's way back). */
  undoFacts: string;
}

export function labPaths(root: string, lab: string): LabPaths {
  const dir = path.join(root, lab);
  return {
    dir,
    state: path.join(dir, 'state.json'),
    summary: path.join(dir, 'lab.json'),
    disks: path.join(dir, 'disks'),
    console: path.join(dir, 'console'),
    verify: path.join(dir, 'verify.json'),
    lock: path.join(root, `.${lab}.lock`),
    undoFacts: path.join(dir, 'undo-facts.json'),
  };
}

/** The guest's running disk (the top of base → configured → running); its internal snapshots live in it. */
export function overlayPath(p: LabPaths, guest: string): string {
  return path.join(p.disks, `${guest}.qcow2`);
}

/** The guest's configured layer: an overlay of the base holding what vlab wrote, frozen under the running disk. */
export function configuredPath(p: LabPaths, guest: string): string {
  return path.join(p.disks, `${guest}.configured.qcow2`);
}

/** Where a remote host keeps its copy of a base image: in its image cache, named by the controller's path (hashed) and file name. */
export function remoteImagePath(cacheRoot: string, disk: string): string {
  return path.join(cacheRoot, 'images', `${createHash('sha256').update(disk).digest('hex').slice(0, 12)}-${path.basename(disk)}`);
}

/** The image cache of a remote host. */
export const REMOTE_CACHE_ROOT = '/var/cache/vlab';

export function seedIsoPath(p: LabPaths, guest: string): string {
  return path.join(p.dir, 'seed', `${guest}.iso`);
}

export function consoleLogPath(p: LabPaths, guest: string): string {
  return path.join(p.console, `${guest}.log`);
}

/** The lab's SSH files: client key, one host key per guest, known_hosts. */
export interface SshPaths {
  dir: string;
  clientKey: string;
  knownHosts: string;
}

export function sshPaths(p: LabPaths): SshPaths {
  const dir = path.join(p.dir, 'ssh');
  return { dir, clientKey: path.join(dir, 'id_ed25519'), knownHosts: path.join(dir, 'known_hosts') };
}

/** A guest's host key pair (private; `.pub` beside it). */
export function hostKeyPath(p: SshPaths, guest: string): string {
  return path.join(p.dir, `host_${guest}_ed25519`);
}
