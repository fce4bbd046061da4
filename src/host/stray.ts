/**
 * Helper processes a killed `vlab up` can leave behind: a `guestfish --listen` and its libguestfs
 * appliance holding the lab's overlays open. Found by the lab's disk paths on their command line,
 * so nothing that is not vlab's is touched (libvirt's own guests are left to libvirt).
 */
import fs from 'node:fs';

export interface StrayProcess {
  pid: number;
  cmdline: string;
}

/** Processes whose command line names a file under `disksDir` and that belong to libguestfs. */
export function findStrayDiskHelpers(disksDir: string): StrayProcess[] {
  const out: StrayProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (cmdline.includes(disksDir + '/') && (cmdline.includes('guestfish') || cmdline.includes('.guestfs-') || cmdline.includes('guestfsd'))) {
      out.push({ pid: Number(entry), cmdline: cmdline.trim() });
    }
  }
  return out;
}

/** Kills them (SIGKILL: they hold nothing that needs a clean shutdown; the overlays are deleted next). */
export function killStrayDiskHelpers(disksDir: string): StrayProcess[] {
  const found = findStrayDiskHelpers(disksDir);
  for (const p of found) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return found;
}
