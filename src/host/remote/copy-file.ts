/**
 * Copies a controller file (a guest disk written on the controller, a kernel) to another host:
 * streamed over ssh into a temp file beside the destination, checked by sha256 on both sides,
 * and renamed into place only when the sums agree.
 */
import path from 'node:path';
import { HostError } from '../../errors.js';
import type { RunFn } from '../run.js';
import { tempBeside } from './remote-files.js';

const SUM = /^([0-9a-f]{64})\b/;

/** The hex sha256 in sha256sum's output. */
function sumOf(out: string, what: string): string {
  const m = SUM.exec(out.trim());
  if (!m?.[1]) throw new HostError(`sha256sum of ${what} printed no sum: ${out.trim().slice(0, 80)}`);
  return m[1];
}

/** The sha256 of a file on the host `remote` runs on; undefined when nothing is at `file`. */
export async function remoteSha256(remote: RunFn, file: string): Promise<string | undefined> {
  const r = await remote(['sh', '-c', '[ -e "$1" ] || exit 3; sha256sum -- "$1"', 'sh', file], { readOnly: true, allowFailure: true });
  if (r.exitCode === 3) return undefined;
  if (r.exitCode !== 0) throw new HostError(`cannot read the sha256 of ${file}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`, 'check the file is readable there');
  return sumOf(r.stdout, file);
}

/**
 * Streams `localPath` (read on the controller through `localRun`) to `remotePath` on the host
 * of `remote` with `mode`, and returns its sha256. The data goes into a temp file beside the
 * destination; the two sha256 sums are compared and only then is the temp file renamed into
 * place, otherwise it is removed and a HostError names both sums. In dry-run nothing is
 * copied (the local sum is still returned).
 */
export async function copyToHost(localRun: RunFn, remote: RunFn, localPath: string, remotePath: string, mode: number): Promise<string> {
  if (!path.posix.isAbsolute(remotePath)) throw new HostError(`copyToHost: the destination ${remotePath} is not an absolute path`);
  const tmp = tempBeside(remotePath);
  const localSum = localRun(['sha256sum', '--', localPath], { readOnly: true, hint: `cannot read ${localPath}` }).then((r) => sumOf(r.stdout, localPath));
  localSum.catch(() => undefined); // awaited below; not an unhandled rejection while the copy runs
  let sent;
  try {
    sent = await remote(['sh', '-c', 'umask 077; cat > "$1"', 'sh', tmp], { inputFile: localPath, hint: `cannot write ${tmp}` });
  } catch (e) {
    await localSum.catch(() => undefined);
    await remote(['rm', '-f', '--', tmp], { allowFailure: true }).catch(() => undefined);
    throw e;
  }
  const want = await localSum;
  if (sent.skipped) return want;
  const got = await remoteSha256(remote, tmp);
  if (got !== want) {
    await remote(['rm', '-f', '--', tmp], { allowFailure: true });
    throw new HostError(
      `copy of ${localPath} to ${remotePath} is corrupt: sha256 ${want} here, ${got ?? 'no file'} there`,
      'check the disk space and the network to that host, then run the command again',
    );
  }
  await remote(['sh', '-c', 'chmod "$2" "$1" && mv -f "$1" "$3" || { rm -f "$1"; exit 1; }', 'sh', tmp, mode.toString(8), remotePath], {
    hint: `cannot move the copy into ${remotePath}`,
  });
  return want;
}
