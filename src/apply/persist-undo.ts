/**
 * Undo of persistence entries (`persist.file`, `persist.autostart`), for `down` and `unpersist`.
 * A file is removed only while it still starts with vlab's marker line (a symlink only while it
 * still points where vlab made it point); an autostart mark is cleared only on an object that
 * still exists and is tagged as the lab's.
 */
import fs from 'node:fs';
import type { Host } from '../host/index.js';
import type { ActionDetails } from '../plan/types.js';
import { HostError } from '../errors.js';
import { isVlabFile } from '../persist/marker.js';

type FileDetails = Extract<ActionDetails, { kind: 'persist.file' }>;
type AutostartDetails = Extract<ActionDetails, { kind: 'persist.autostart' }>;

/** Removes a persisted file (or symlink) vlab wrote, then the directories it created for it if empty. */
export function undoPersistFile(d: FileDetails, lab: string): string {
  let line: string;
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(d.path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (!st) line = `${d.path}: already gone`;
  else if (d.link !== undefined) {
    const target = st.isSymbolicLink() ? fs.readlinkSync(d.path) : undefined;
    if (target !== d.link)
      throw new HostError(
        `${d.path} is not the symlink to ${d.link} vlab made (${target === undefined ? 'not a symlink' : `points to ${target}`}); not removing it`,
        'remove it by hand if you are sure it is stale',
      );
    fs.unlinkSync(d.path);
    line = `${d.path}: removed`;
  } else {
    const content = st.isFile() ? fs.readFileSync(d.path, 'utf8') : '';
    if (!isVlabFile(content, lab))
      throw new HostError(
        `${d.path} does not start with vlab's marker line for lab '${lab}'; not removing a file vlab did not write`,
        'remove it by hand if you are sure it is stale',
      );
    fs.unlinkSync(d.path);
    line = `${d.path}: removed`;
  }
  for (const dir of [...(d.createdDirs ?? [])].reverse()) {
    try {
      fs.rmdirSync(dir);
      line += `; ${dir} (created by vlab) removed`;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
  }
  return line;
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
