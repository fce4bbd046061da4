/** One vlab process per lab: an exclusive lock file holding the owner's pid. */
import fs from 'node:fs';
import path from 'node:path';
import { LockedError } from '../errors.js';
import { fsError } from '../host/fs-error.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lab's lock or throws LockedError at once. A lock left by a dead process is taken over. */
export function acquireLock(file: string, lab: string): () => void {
  const stateRootFix = 'VLAB_STATE_DIR (default /var/lib/vlab) must be a folder vlab can write: run vlab as root, or point VLAB_STATE_DIR elsewhere';
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o711 });
  } catch (e) {
    throw fsError(e, 'make the state folder', path.dirname(file), stateRootFix);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(e, "take the lab's lock", file, stateRootFix);
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid && alive(pid) && pid !== process.pid) throw new LockedError(lab, pid);
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new LockedError(lab, undefined);
}
