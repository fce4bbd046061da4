/**
 * Another hypervisor of a multi-host lab, reached over SSH: who and where it is, the OpenSSH
 * options of every command vlab runs there (strict host keys, no prompts, one shared connection),
 * and the libvirt `qemu+ssh://` URI that names it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../errors.js';

/** One remote host. */
export interface SshTarget {
  /** The lab file's name for the host, for messages. */
  name: string;
  /** Address or DNS name sshd listens on. */
  host: string;
  user?: string;
  port?: number;
  /** Private key file (then only this key is offered). */
  identity?: string;
  /** known_hosts file holding the host's key (default: ssh's own, ~/.ssh/known_hosts). */
  knownHosts?: string;
}

/** ssh expands `%` tokens in these paths: a literal `%` must be doubled. */
const pct = (p: string) => p.replace(/%/g, '%%');

/** The host's label in messages: `name (user@host:port)`. */
export function describeTarget(t: SshTarget): string {
  const dest = `${t.user ? t.user + '@' : ''}${t.host}${t.port ? ':' + t.port : ''}`;
  return t.name === t.host ? dest : `${t.name} (${dest})`;
}

/**
 * The ssh options and destination for one command on the host: never a prompt (BatchMode),
 * a bounded connect, the host key checked against known_hosts and never accepted silently, only
 * the given key, and one shared connection per host (ControlMaster, socket `<controlDir>/%C`,
 * kept 60 s after the last command). `controlDir` must exist with mode 0700 (ensureControlDir).
 */
export function sshArgs(t: SshTarget, controlDir: string, opts: { connectTimeoutSec?: number } = {}): string[] {
  if (!t.host || t.host.startsWith('-')) throw new UsageError(`host ${t.name}: '${t.host}' is not an SSH address`, 'give the host an address or DNS name');
  const o = (kv: string) => ['-o', kv];
  return [
    ...o('BatchMode=yes'),
    ...o(`ConnectTimeout=${opts.connectTimeoutSec ?? 10}`),
    ...o('StrictHostKeyChecking=yes'),
    ...(t.knownHosts ? o(`UserKnownHostsFile=${pct(t.knownHosts)}`) : []),
    ...(t.identity ? ['-i', pct(t.identity), ...o('IdentitiesOnly=yes')] : []),
    ...o('ServerAliveInterval=15'),
    ...o('ControlMaster=auto'),
    ...o(`ControlPath=${pct(controlDir)}/%C`),
    ...o('ControlPersist=60'),
    ...(t.port ? ['-p', String(t.port)] : []),
    ...(t.user ? ['-l', t.user] : []),
    t.host,
  ];
}

/**
 * Where the control sockets go unless told otherwise: `/run/vlab/ssh` as root, else
 * `$XDG_RUNTIME_DIR/vlab-ssh`, else `<tmpdir>/vlab-ssh-<uid>`. A socket path must stay under
 * 108 bytes, and `%C` adds 41, so the folder's path must be short.
 */
export function defaultControlDir(): string {
  if (process.getuid?.() === 0) return '/run/vlab/ssh';
  const xdg = process.env.XDG_RUNTIME_DIR;
  return xdg ? path.join(xdg, 'vlab-ssh') : path.join(os.tmpdir(), `vlab-ssh-${process.getuid?.() ?? 'user'}`);
}

/** Makes the control socket folder on the controller (mode 0700, owned by this user: other users must not reach the shared connections). */
export function ensureControlDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) {
    throw new UsageError(`the SSH control folder ${dir} is not a folder owned by this user`, 'remove it, or point vlab at another folder');
  }
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/** A `qemu+ssh://` URI taken apart: the SSH target's pieces and the URI libvirt is reached by ON that host. */
export interface ParsedSshUri {
  host: string;
  user?: string;
  port?: number;
  identity?: string;
  knownHosts?: string;
  /** `qemu:///system` or `qemu:///session`. */
  libvirtUri: string;
}

/** Query parameters of libvirt's ssh transport that vlab honours. */
const PARAMS = ['keyfile', 'known_hosts'];

/**
 * Parses `qemu+ssh://[user@]host[:port]/system[?keyfile=PATH&known_hosts=PATH]` (or `/session`).
 * Throws a UsageError for any other URI, or a parameter vlab cannot honour (`no_verify` above
 * all: host keys are always checked).
 */
export function parseSshUri(uri: string): ParsedSshUri {
  const bad = (why: string) => new UsageError(`libvirt URI ${uri}: ${why}`, 'write it as qemu+ssh://[user@]host[:port]/system (optionally ?keyfile=PATH&known_hosts=PATH)');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== 'qemu+ssh') throw bad(scheme ? `vlab reaches other hosts only over qemu+ssh, not ${scheme}` : 'not a URI');
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw bad('not a valid URI');
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('no host');
  if (host.startsWith('-')) throw bad(`'${host}' is not a host name`);
  if (u.password) throw bad('passwords are not supported (use a key)');
  const mode = u.pathname.replace(/\/+$/, '');
  if (mode !== '/system' && mode !== '/session') throw bad(`the path must be /system or /session, not '${u.pathname || '/'}'`);
  const out: ParsedSshUri = { host, libvirtUri: `qemu://${mode}` };
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.port) out.port = Number(u.port);
  for (const [k, v] of u.searchParams) {
    if (!PARAMS.includes(k)) throw bad(k === 'no_verify' ? 'no_verify is refused: vlab always checks host keys' : `parameter '${k}' is not supported (only ${PARAMS.join(', ')})`);
    if (!v) throw bad(`parameter '${k}' has no value`);
    if (k === 'keyfile') out.identity = v;
    else out.knownHosts = v;
  }
  return out;
}
