/** Files a command writes where the user says (-o FILE): atomically, with a user error for a path that cannot be one. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../host/atomic-write.js';

/**
 * Writes `content` to `file` atomically (a reader sees the old file or the new one), readable by
 * all (0644). A missing folder, a folder in the way or a refused write is a UsageError naming the
 * path; nothing is left behind.
 */
export function writeOutputFile(file: string, content: string): void {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const hint = 'write it into an existing folder, e.g. -o ./graph.svg';
  let dirStat: fs.Stats | undefined;
  try {
    dirStat = fs.statSync(dir);
  } catch {
    throw new UsageError(`cannot write ${abs}: the folder ${dir} does not exist`, hint);
  }
  if (!dirStat.isDirectory()) throw new UsageError(`cannot write ${abs}: ${dir} is not a folder`, hint);
  if (fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`cannot write ${abs}: it is a folder`, 'name a file inside it, e.g. -o DIR/graph.svg');
  try {
    writeFileAtomic(abs, content, 0o644);
  } catch (e) {
    throw new UsageError(`cannot write ${abs}: ${(e as Error).message}`, 'check the folder is writable, or name another file with -o');
  }
}
