/**
 * Benchmark helpers: the labs the bench brings up (the seed lab, an N-guest tiny lab, a 2-guest
 * Debian lab), what `vlab up --json` reports, and the domains and addresses each lab's guests
 * must show when ready.
 */
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO } from '../test/integration/helpers/env.js';
import type { TinyImage } from '../test/integration/helpers/tiny.js';
import type { ReadyTarget } from './bench-guest.js';

export const SEED_LAB = path.join(REPO, 'examples', 'seed.yaml');
export const TINY = path.join(REPO, 'vm-images', 'tiny');

/** What the bench reads from `vlab up --json`. */
export interface UpFigures {
  /** Wall time of the whole `vlab up` process. */
  wallSec: number;
  /** vlab's own total. */
  seconds: number;
  phases: { title: string; seconds: number; actions: number }[];
  guests: { guest: string; agentSec: number; readySec: number }[];
}

interface LabFile {
  name: string;
  guests: Record<string, { interfaces?: { address?: string; mac?: string }[] }>;
}

/** `node bin/vlab.js ARGS` (no shell); throws with vlab's output when it fails. */
export async function vlab(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await execa('node', [path.join(REPO, 'bin', 'vlab.js'), ...args], { cwd: REPO, env, reject: false, timeout: 1_800_000 });
  if (r.exitCode !== 0) throw new Error(`vlab ${args.join(' ')} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  return String(r.stdout);
}

/** `node bin/vlab.js ARGS` timed as a whole process (seconds); throws when it fails. */
export async function vlabWall(args: string[], env: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  await vlab(args, env);
  return (performance.now() - t0) / 1000;
}

/** `vlab -f FILE up --json` timed as a whole process. */
export async function vlabUp(file: string, env: Record<string, string> = {}, timeoutSec = 600, extra: string[] = []): Promise<UpFigures> {
  const t0 = performance.now();
  const out = await vlab(['-f', file, 'up', '--json', '--timeout', String(timeoutSec), ...extra], env);
  const wallSec = (performance.now() - t0) / 1000;
  const j = JSON.parse(out) as Omit<UpFigures, 'wallSec'>;
  return { wallSec, seconds: j.seconds, phases: j.phases, guests: (j.guests ?? []).map((g) => ({ guest: g.guest, agentSec: g.agentSec, readySec: g.readySec })) };
}

/** What a reset costs against the rebuild it replaces, for a lab that is up. */
export interface ResetFigures {
  /** Wall seconds of each `vlab reset` (guests back to the checkpoint up took). */
  resets: number[];
  /** Wall seconds of each `vlab reset --cold` (fresh running disks over the configured layers, a boot; ready taken again). */
  cold: number[];
  /** The rebuild a reset replaces: `vlab down` then `vlab up`, wall seconds (the lab is up again after). */
  rebuild: { down: number; up: number };
}

/** `vlab reset` n times, `vlab reset --cold` nCold times, then `vlab down` + `vlab up` of the same lab, each timed as a whole process (timeoutSec: every wait; default: each command's own). */
export async function resetVsRebuild(file: string, n: number, nCold: number, timeoutSec?: number): Promise<ResetFigures> {
  const resets: number[] = [];
  const cold: number[] = [];
  const wait = timeoutSec === undefined ? [] : ['--timeout', String(timeoutSec)];
  for (let i = 0; i < n; i++) resets.push(await vlabWall(['-f', file, 'reset', ...wait]));
  for (let i = 0; i < nCold; i++) cold.push(await vlabWall(['-f', file, 'reset', '--cold', ...wait]));
  return { resets, cold, rebuild: { down: await vlabWall(['-f', file, 'down']), up: (await vlabUp(file, {}, timeoutSec)).wallSec } };
}

/** down + up: the seconds of the rebuild a reset replaces. */
export const rebuildSec = (r: ResetFigures): number => r.rebuild.down + r.rebuild.up;

/** The seconds of one phase of an up, or undefined when it did not run. */
export function phaseSec(up: UpFigures, title: string): number | undefined {
  return up.phases.find((p) => p.title === title)?.seconds;
}

/** Each guest's domain (vlab-LAB-GUEST) and the static IPv4 addresses its NICs must show. */
export async function readyTargets(file: string): Promise<ReadyTarget[]> {
  const lab = parseYaml(await readFile(file, 'utf8')) as LabFile;
  return Object.entries(lab.guests).map(([g, spec]) => ({
    domain: `vlab-${lab.name}-${g}`,
    addresses: (spec.interfaces ?? []).map((i) => i.address ?? '').filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)),
  }));
}

/** A lab of n tiny guests on one NAT network (172.24.0.0/24), for the guest-configuration figure. */
export function tinyLab(name: string, n: number): string {
  const guests = Array.from({ length: n }, (_, i) => `  g${i + 1}:\n    image: tiny\n    memory: 128\n    interfaces: [ { network: net, address: 172.24.0.${10 + i} } ]`).join(
    '\n',
  );
  return `name: ${name}\nnetworks:\n  net: { cidr: 172.24.0.0/24, nat: true }\nimages:\n  tiny: ${TINY}\nguests:\n${guests}\n`;
}

/** A 2-guest lab of one Debian image (a folder, or a bare qcow2) on 172.30.6.0/24 with NAT and fixed MACs; `boot` sets each guest's `boot:`. */
export function debianLab(name: string, imageDir: string, boot?: 'kernel' | 'firmware'): string {
  const b = boot ? `\n    boot: ${boot}` : '';
  const g = (i: number) =>
    `  g${i}:\n    image: debian\n    memory: 512${b}\n    interfaces:\n      - { network: lan, address: 172.30.6.${10 + i}, mac: 52:54:00:30:06:${10 + i} }`;
  return `name: ${name}\nnetworks:\n  lan: { cidr: 172.30.6.0/24, nat: true }\nimages:\n  debian: ${imageDir}\nguests:\n${g(1)}\n${g(2)}\n`;
}

/** An image folder's image.yaml as the files a direct-kernel-boot domain needs; throws without `kernel:`. */
export async function readImage(dir: string): Promise<TinyImage> {
  const meta = parseYaml(await readFile(path.join(dir, 'image.yaml'), 'utf8')) as Record<string, string>;
  if (!meta.kernel || !meta.initrd) throw new Error(`${dir}/image.yaml has no kernel:/initrd: (the plain baseline boots the kernel directly)`);
  const at = (k: string) => path.join(dir, String(meta[k]));
  return { disk: at('disk'), kernel: at('kernel'), initrd: at('initrd'), cmdline: String(meta.cmdline ?? '') };
}
