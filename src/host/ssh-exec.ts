/**
 * Runs commands inside guests over SSH, as root, with the lab's own client key and the guest's
 * host key pinned in the lab's known_hosts (strict checking: no trust on first use, nothing
 * from ~/.ssh or /etc/ssh/ssh_config). The remote side always hands the command to the
 * user's shell, so each argv word is single-quoted: argv runs as given, with no shell
 * expansion unless the user calls a shell themselves.
 */
import { HostError } from '../errors.js';
import type { ExecResult, GuestExec } from './guest-exec.types.js';
import type { RunFn } from './run.js';

/** Where and how to reach one guest. */
export interface SshTarget {
  address: string;
  /** Private key file of the lab's client key. */
  clientKey: string;
  /** The lab's known_hosts (guests pinned by alias). */
  knownHosts: string;
  /** Name the guest's host key is pinned under. */
  alias: string;
  user?: string;
  port?: number;
  /** ssh options that route the connection through another host (a guest on a remote hypervisor: its ProxyCommand). */
  via?: string[];
}

/** One word quoted for a POSIX shell: as is when it is plainly safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The remote command line for argv. */
export function remoteCommand(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * The OpenSSH options that pin a guest: the lab's key only (no agent, no other key), its host key
 * checked strictly against the lab's known_hosts under the guest's alias, no password prompts.
 * `vlab exec`, `vlab ssh` and `vlab ssh-config` all use these (with the key itself: `-i` or IdentityFile).
 */
export function pinnedOptions(t: SshTarget): [string, string][] {
  return [
    ['IdentitiesOnly', 'yes'],
    ['IdentityAgent', 'none'],
    ['BatchMode', 'yes'],
    ['StrictHostKeyChecking', 'yes'],
    ['UserKnownHostsFile', t.knownHosts],
    ['GlobalKnownHostsFile', '/dev/null'],
    ['HostKeyAlias', t.alias],
    ['HostKeyAlgorithms', 'ssh-ed25519'],
  ];
}

const options = (pairs: [string, string][]) => pairs.flatMap(([k, v]) => ['-o', `${k}=${v}`]);

/** ssh with no config file, the lab's key and the pinned host key, `extra` options, then the port, user and address. */
function sshBase(t: SshTarget, extra: string[]): string[] {
  return ['ssh', '-F', '/dev/null', '-i', t.clientKey, ...options(pinnedOptions(t)), ...(t.via ?? []), ...extra, '-p', String(t.port ?? 22), '-l', t.user ?? 'root', t.address];
}

/** ssh's argv for one command (or for a bare handshake when argv is empty: runs `true`). */
export function sshArgv(t: SshTarget, argv: string[], opts: { connectTimeoutSec: number; stdin: boolean }): string[] {
  const tuning = options([
    ['ConnectTimeout', String(opts.connectTimeoutSec)],
    ['ServerAliveInterval', '5'],
    ['ServerAliveCountMax', '3'],
    ['LogLevel', 'ERROR'],
  ]);
  return [...sshBase(t, [...tuning, '-T', ...(opts.stdin ? [] : ['-n'])]), remoteCommand(argv.length ? argv : ['true'])];
}

/**
 * ssh's argv for a session on vlab's terminal (`vlab ssh`): the same pinning, and ssh's own
 * choice of a terminal (one for a shell, none for a command, as plain ssh does).
 */
export function sshSessionArgv(t: SshTarget, argv: string[]): string[] {
  const tuning = options([
    ['ConnectTimeout', '10'],
    ['ServerAliveInterval', '15'],
    ['LogLevel', 'ERROR'],
  ]);
  return [...sshBase(t, tuning), ...(argv.length ? [remoteCommand(argv)] : [])];
}

/** ssh's own failures (exit 255 with one of these) as opposed to a remote command's exit 255. */
const SSH_FAILURE =
  /^(ssh: |kex_exchange_identification|Connection (refused|timed out|closed|reset)|Host key verification failed|.*Permission denied \(|.*No route to host|.*Network is unreachable|banner exchange)/m;

/** True when ssh itself failed (connect, authentication, host key), not the command it ran: exit 255 and one of ssh's own messages. */
export function isSshFailure(exitCode: number, stderr: string): boolean {
  return exitCode === 255 && SSH_FAILURE.test(stderr);
}

/**
 * The line of ssh's stderr that says what went wrong: the line SSH_FAILURE matches (a changed
 * host key comes after a banner of `@` lines and advice), else the first line that is not a banner.
 */
export function sshReason(stderr: string): string {
  const lines = stderr
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^@+$/.test(l));
  return lines.find((l) => SSH_FAILURE.test(l)) ?? lines[0] ?? 'no message';
}

/** GuestExec over SSH. `targets` maps a libvirt domain name to where its guest is reached. */
export class SshExec implements GuestExec {
  /** @param run the runner's run(); @param targets where each domain is reached (undefined: not over SSH). */
  constructor(
    private readonly run: RunFn,
    private readonly targets: (domain: string) => SshTarget | undefined,
  ) {}

  private target(domain: string): SshTarget {
    const t = this.targets(domain);
    if (!t) throw new HostError(`guest ${domain}: no SSH address known`, 'give the guest a static address on a network with cidr, or use exec: agent');
    return t;
  }

  async exec(domain: string, argv: string[], opts: { timeoutMs?: number; stdin?: string } = {}): Promise<ExecResult> {
    if (!argv.length) throw new HostError('guest exec: empty command');
    const t = this.target(domain);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const r = await this.run(sshArgv(t, argv, { connectTimeoutSec: Math.max(1, Math.min(10, Math.ceil(timeoutMs / 1000))), stdin: opts.stdin !== undefined }), {
      ...(opts.stdin !== undefined ? { input: opts.stdin } : {}),
      timeoutMs,
      allowFailure: true,
    });
    if (r.timedOut) {
      throw new HostError(`guest ${domain}: \`${argv.join(' ')}\` over ssh still running after ${timeoutMs} ms`, 'raise the timeout, or check the guest is not overloaded');
    }
    if (isSshFailure(r.exitCode, r.stderr)) {
      throw new HostError(
        `guest ${domain}: ssh to ${t.user ?? 'root'}@${t.address} failed: ${sshReason(r.stderr)}`,
        'check the guest runs an SSH server and is up (`vlab status`)',
      );
    }
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  async ping(domain: string, timeoutMs = 5000): Promise<boolean> {
    const t = this.targets(domain);
    if (!t) return false;
    const r = await this.run(sshArgv(t, [], { connectTimeoutSec: Math.max(1, Math.ceil(timeoutMs / 1000)), stdin: false }), {
      timeoutMs: timeoutMs + 2000,
      allowFailure: true,
      readOnly: true,
    }).catch(() => undefined);
    return r?.exitCode === 0;
  }

  transport(): string {
    return 'ssh';
  }
}
