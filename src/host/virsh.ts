/**
 * The `virsh` command, through run(): networks, the guest agent, and domains whenever the
 * libvirt binding is unavailable (or in dry-run, so the trace shows what would change).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunFn, RunOptions, RunResult } from './run.js';

/** The connection URI vlab uses unless told otherwise: LIBVIRT_DEFAULT_URI, else qemu:///system. */
export function defaultUri(): string {
  return process.env.LIBVIRT_DEFAULT_URI || 'qemu:///system';
}

/** Runs `virsh -q -c URI ARGS...` through `run` (the runner's). Options as for run(); a hint about libvirtd is added by default. */
export function virsh(run: RunFn, uri: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(['virsh', '-q', '-c', uri, ...args], {
    hint: `is libvirtd running and reachable at ${uri}? (try \`virsh -c ${uri} version\`)`,
    ...opts,
  });
}

/** True when virsh (or libvirt) said the named domain or network does not exist. */
export function isNotFound(message: string): boolean {
  return /(Domain|Network) not found|failed to get (domain|network)|no (domain|network) with matching/i.test(message);
}

/** Names printed one per line by `virsh list --name` / `net-list --name`. */
export function parseNameList(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** How virsh gets an object's XML: a private temp file on this machine, or stdin (for virsh run on another host). */
export type XmlVia = 'file' | 'stdin';

/**
 * Runs a virsh command that reads XML from a file (`define`, `net-define`), the file named by
 * `{}` in `args`. With `via: 'file'` the XML goes into a private temp file on this machine,
 * removed afterwards. With `via: 'stdin'` (virsh on another host, where a local file does not
 * exist) it is fed on stdin and virsh reads `/dev/stdin` behind `cat |`: run()'s own stdin may
 * be a socket, which virsh cannot open by path, a pipe it can.
 */
export async function virshWithXmlFile(run: RunFn, uri: string, args: string[], xml: string, opts: RunOptions = {}, via: XmlVia = 'file'): Promise<RunResult> {
  if (via === 'stdin') {
    return run(['sh', '-c', 'cat | virsh "$@"', 'sh', '-q', '-c', uri, ...args.map((a) => (a === '{}' ? '/dev/stdin' : a))], {
      hint: `is libvirtd running and reachable at ${uri}? (try \`virsh -c ${uri} version\`)`,
      ...opts,
      input: xml,
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-xml-'));
  try {
    const file = path.join(dir, 'object.xml');
    fs.writeFileSync(file, xml, { mode: 0o600 });
    return await virsh(
      run,
      uri,
      args.map((a) => (a === '{}' ? file : a)),
      opts,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
