/**
 * Persistence entries (`persist.file`, `persist.autostart`): making a file (for `persist`), and
 * undoing both kinds (for `down` and `unpersist`).
 * A file is removed only while it still starts with vlab's marker line (a symlink only while it
 * still points where vlab made it point); an autostart mark is cleared only on an object that
 * still exists and is tagged as the lab's.
 */
import type { Host } from '../host/index.js';
import type { ActionDetails } from '../plan/types.js';
import { HostError } from '../errors.js';
import { isVlabFile } from '../persist/marker.js';

type FileDetails = Extract<ActionDetails, { kind: 'persist.file' }>;
type AutostartDetails = Extract<ActionDetails, { kind: 'persist.autostart' }>;

/** Removes a persisted file (or symlink) vlab wrote, then the directories it created for it if empty. */
export function undoPersistFile(host: Host, d: FileDetails, lab: string): string {
  let line: string;
  const st = host.files.stat(d.path);
  if (!st) line = `${d.path}: already gone`;
  else if (d.link !== undefined) {
    if (st.target !== d.link)
      throw new HostError(
        `${d.path} is not the symlink to ${d.link} vlab made (${st.target === undefined ? 'not a symlink' : `points to ${st.target}`}); not removing it`,
        'remove it by hand if you are sure it is stale',
      );
    host.files.unlink(d.path);
    line = `${d.path}: removed`;
  } else {
    const content = st.type === 'file' ? host.files.read(d.path) : '';
    if (!isVlabFile(content, lab))
      throw new HostError(
        `${d.path} does not start with vlab's marker line for lab '${lab}'; not removing a file vlab did not write`,
        'remove it by hand if you are sure it is stale',
      );
    host.files.unlink(d.path);
    line = `${d.path}: removed`;
  }
  for (const dir of [...(d.createdDirs ?? [])].reverse()) if (host.files.rmdirIfEmpty(dir)) line += `; ${dir} (created by vlab) removed`;
  return line;
}

/** Makes a persisted file (or symlink), creating the directories vlab recorded as its own first. */
export function makePersistFile(host: Host, d: FileDetails): void {
  for (const dir of d.createdDirs ?? []) if (!host.files.exists(dir)) host.files.mkdirp(dir, 0o755);
  if (d.link !== undefined) host.files.symlink(d.path, d.link);
  else host.files.writeAtomic(d.path, d.content, d.mode);
}

/** Clears the autostart mark of the lab's libvirt network or domain. */
export async function undoPersistAutostart(host: Host, d: AutostartDetails, lab: string): Promise<string> {
  const objects = d.object === 'network' ? await host.libvirt.listNetworks() : await host.libvirt.listDomains();
  const o = objects.find((x) => x.name === d.name);
  if (!o) return `libvirt ${d.object} ${d.name}: already gone (autostart goes with it)`;
  if (o.owner !== lab)
    throw new HostError(
      `libvirt ${d.object} ${d.name} is not tagged as lab '${lab}''s (owner: ${o.owner ?? 'none'}); not changing its autostart`,
      'change it by hand if you are sure it is stale',
    );
  if (d.object === 'network') await host.libvirt.setNetworkAutostart(d.name, false);
  else await host.libvirt.setDomainAutostart(d.name, false);
  return `libvirt ${d.object} ${d.name}: autostart off`;
}
