/** One vlab process per lab: an exclusive lock file holding the owner's pid. */
import fs from 'node:fs';
import path from 'node:path';
import { LockedError } from '../errors.js';

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
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o711 });
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
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid && alive(pid) && pid !== process.pid) throw new LockedError(lab, pid);
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new LockedError(lab, undefined);
}
