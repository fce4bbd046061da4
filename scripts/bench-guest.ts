/**
 * Benchmark helpers (inside scripts/sandbox.sh): when a booted guest is "ready" — its guest agent
 * answers and its NICs carry the expected IPv4 addresses — and the guests' own boot-to-ready of
 * domains that already exist (virsh destroy, then virsh start, then wait), and how long
 * `virsh define` of a small domain takes.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { virsh, agentCommand, agentExec } from '../test/integration/helpers/libvirt.js';
import { sleep } from '../test/integration/helpers/env.js';
import { ensureTinyImage, makeTestDir, tinyDomainXml } from '../test/integration/helpers/tiny.js';

/** How often readiness is polled (ms); vlab's own wait polls every 500 ms. */
const POLL_MS = 200;

/** A domain and the IPv4 addresses (no prefix) that must show inside it. */
export interface ReadyTarget {
  domain: string;
  addresses: string[];
}

/** Waits until the agent of `t.domain` answers and `ip -o -4 addr` shows every address; throws after timeoutMs. */
export async function waitGuestReady(t: ReadyTarget, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${t.domain} not ready within ${timeoutMs / 1000}s: ${last}`);
    try {
      await agentCommand(t.domain, { execute: 'guest-ping' }, 2);
      const r = await agentExec(t.domain, ['/bin/sh', '-c', 'ip -o -4 addr'], { timeoutMs: 10_000 });
      if (t.addresses.every((a) => r.stdout.includes(` ${a}/`))) return;
      last = `addresses so far: ${r.stdout.replace(/\s+/g, ' ').trim()}`;
    } catch (e) {
      last = ((e as { stderr?: string }).stderr ?? String(e)).trim();
    }
    await sleep(POLL_MS);
  }
}

/** Starts every domain (virsh start, one after the other) and waits until all are ready; returns the seconds from the first start. */
export async function startAndWait(targets: ReadyTarget[], timeoutMs?: number): Promise<number> {
  const t0 = performance.now();
  for (const t of targets) await virsh(['start', t.domain]);
  await Promise.all(targets.map((t) => waitGuestReady(t, timeoutMs)));
  return (performance.now() - t0) / 1000;
}

/**
 * The guests' own boot-to-ready on disks that are already prepared: destroys the running domains,
 * then starts them again and waits until each is ready. Returns the seconds from the first start.
 */
export async function rebootToReady(targets: ReadyTarget[], timeoutMs?: number): Promise<number> {
  for (const t of targets) await virsh(['destroy', t.domain]);
  return startAndWait(targets, timeoutMs);
}

/** `virsh define` of the tiny guest's XML, `runs` times with fresh names (each undefined again, untimed); the seconds of each. */
export async function defineTimes(runs: number): Promise<number[]> {
  const img = await ensureTinyImage();
  const dir = await makeTestDir('bench-define-');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `bench-define-${process.pid}-${i}`;
    const xml = path.join(dir, `${name}.xml`);
    await writeFile(xml, tinyDomainXml({ name, image: img, disk: path.join(dir, `${name}.qcow2`), nics: [], consoleLog: path.join(dir, `${name}.log`) }));
    const t0 = performance.now();
    await virsh(['define', xml], { timeoutMs: 120_000 });
    times.push((performance.now() - t0) / 1000);
    await virsh(['undefine', name]);
  }
  return times;
}
