/** A file-system failure on the host as a HostError that says what could not be done, where, and what to check (never a bug trace). */
import { HostError } from '../errors.js';

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'a folder on the way does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'something else is already there',
};

export function fsError(e: unknown, what: string, file: string, fix = 'check the path and its permissions (vlab runs as root)'): HostError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return new HostError(`cannot ${what} ${file}: ${WHY[code] ?? (e as Error).message}${code ? ` (${code})` : ''}`, fix, { cause: e });
}

/** Runs `work`, turning a file-system error into fsError(what, file). */
export function onFs<T>(what: string, file: string, work: () => T, fix?: string): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof HostError || !(e as NodeJS.ErrnoException).code) throw e;
    throw fsError(e, what, file, fix);
  }
}
