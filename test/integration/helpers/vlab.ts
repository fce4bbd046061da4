/**
 * Test-only: runs the real vlab CLI (bin/vlab.js) and takes host snapshots with the sandbox's
 * sandbox_snapshot (links, addresses, routes, iptables, ip_forward, libvirt objects, state dir).
 */
import { execa, type ResultPromise } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO } from './env.js';

export interface VlabResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

export const SEED = path.join(REPO, 'examples', 'seed.yaml');

/** Runs `node bin/vlab.js ARGS...` and never throws; the caller asserts the exit code. */
export async function vlab(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<VlabResult> {
  const r = await execa('node', [path.join(REPO, 'bin', 'vlab.js'), ...args], {
    reject: false,
    env: opts.env,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    timeout: opts.timeoutMs ?? 600_000,
    cwd: REPO,
  });
  return { exitCode: r.exitCode, signal: r.signal ?? undefined, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Starts vlab in the background (for kill and lock tests). */
export function vlabBackground(args: string[], env?: Record<string, string>): ResultPromise {
  return execa('node', [path.join(REPO, 'bin', 'vlab.js'), ...args], { reject: false, env, cwd: REPO });
}

/** The sandbox's host-state snapshot as text. */
export async function snapshot(): Promise<string> {
  const file = `/run/vlab-snap-${process.pid}-${Date.now()}.txt`;
  await execa('bash', ['-c', 'source "$1" && sandbox_snapshot "$2"', 'snap', path.join(REPO, 'scripts', 'sandbox-lib.sh'), file]);
  return readFile(file, 'utf8');
}

/** Brings up the simulated outside host (198.18.0.2) once per sandbox. */
export async function outsideUp(): Promise<void> {
  const r = await execa('ip', ['netns', 'list'], { reject: false });
  if (String(r.stdout).includes('outside')) return;
  await execa('bash', ['-c', 'source "$1" && sandbox_outside_up', 'outside', path.join(REPO, 'scripts', 'sandbox-lib.sh')]);
}

/** Brings up the sandbox's LAN namespace (dnsmasq behind the veth that plays eth0) once per sandbox. */
export async function lanUp(): Promise<void> {
  const r = await execa('ip', ['netns', 'list'], { reject: false });
  if (String(r.stdout).includes('lan')) return;
  await execa('bash', ['-c', 'source "$1" && sandbox_lan_up', 'lan', path.join(REPO, 'scripts', 'sandbox-lib.sh')]);
}

/** Writes a lab file into dir and returns its path. */
export async function writeLab(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, text);
  return file;
}

/** A second small lab beside the seed: its own CIDR and bridge, one guest. */
export function secondLab(name: string, cidr3: string, nat = true): string {
  return `name: ${name}
networks:
  net:
    cidr: ${cidr3}.0/24
    nat: ${nat}
images:
  tiny: ${path.join(REPO, 'vm-images', 'tiny')}
guests:
  solo:
    image: tiny
    memory: 160
    interfaces:
      - { network: net, address: ${cidr3}.10 }
verify:
  external: [198.18.0.2]
`;
}
