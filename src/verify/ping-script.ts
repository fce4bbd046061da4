/**
 * The one command vlab runs in a guest to do all of that guest's pings at once. Plain POSIX sh
 * and ping (iputils or busybox): nothing to install in the guest. Pure.
 *
 * Every ping runs in the background with its own deadline, writes its output and exit code to a
 * private temp directory, and after `wait` the script prints one block per check:
 *
 *     @@vlab-check c3 rc=1
 *     <ping output>
 *
 *     @@vlab-end c3
 *
 * (an empty line always precedes the end marker, so output without a final newline stays
 * parseable). When no temp directory can be made it prints `@@vlab-error MESSAGE` and exits 3.
 */
import { BugError } from '../errors.js';
import { isIPv4, MAX_PING_COUNT, type Check } from './checks.js';

export const BEGIN_MARK = '@@vlab-check';
export const END_MARK = '@@vlab-end';
export const ERROR_MARK = '@@vlab-error';

export interface PingScriptOptions {
  /** Seconds each ping may take at most (its -w deadline); rounded up, at least 1. */
  timeoutSec: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The deadline handed to ping's -w, in whole seconds. */
export function pingDeadlineSec(timeoutSec: number): number {
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new BugError(`ping timeout must be a positive number of seconds, not ${timeoutSec}`);
  return Math.max(1, Math.ceil(timeoutSec));
}

/**
 * Returns argv `['/bin/sh', '-c', SCRIPT]` running all the given checks' pings concurrently.
 * Throws BugError for an id, address or count that is not safe to put in the script.
 */
export function renderPingScript(checks: readonly Pick<Check, 'id' | 'address' | 'count'>[], opts: PingScriptOptions): string[] {
  const deadline = pingDeadlineSec(opts.timeoutSec);
  const seen = new Set<string>();
  for (const c of checks) {
    if (!ID.test(c.id)) throw new BugError(`check id '${c.id}' is not safe for the ping script`);
    if (seen.has(c.id)) throw new BugError(`check id '${c.id}' is used twice`);
    seen.add(c.id);
    if (!isIPv4(c.address)) throw new BugError(`check ${c.id}: '${c.address}' is not an IPv4 address`);
    if (!Number.isInteger(c.count) || c.count < 1 || c.count > MAX_PING_COUNT) throw new BugError(`check ${c.id}: bad ping count ${c.count}`);
  }

  const lines = [
    'PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
    'export PATH',
    'LC_ALL=C',
    'export LC_ALL',
    'd=',
    'for b in "${TMPDIR:-/tmp}" /tmp /dev/shm /run /var/tmp; do',
    '  if mkdir -m 700 "$b/vlab-verify.$$" 2>/dev/null; then d="$b/vlab-verify.$$"; break; fi',
    'done',
    `if [ -z "$d" ]; then echo '${ERROR_MARK} no writable temporary directory'; exit 3; fi`,
    'trap \'rm -rf "$d"\' EXIT',
    ...checks.map((c) => `(ping -c ${c.count} -W 1 -w ${deadline} ${shq(c.address)} >"$d/${c.id}.out" 2>&1; echo "$?" >"$d/${c.id}.rc") &`),
  ];
  if (checks.length > 0) {
    lines.push(
      'wait',
      `for id in ${checks.map((c) => shq(c.id)).join(' ')}; do`,
      '  rc=$(cat "$d/$id.rc" 2>/dev/null)',
      `  echo "${BEGIN_MARK} $id rc=\${rc:-255}"`,
      '  cat "$d/$id.out" 2>/dev/null',
      '  echo',
      `  echo "${END_MARK} $id"`,
      'done',
    );
  }
  lines.push('exit 0');
  return ['/bin/sh', '-c', lines.join('\n') + '\n'];
}

/** Single-quotes a word for sh. */
function shq(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
