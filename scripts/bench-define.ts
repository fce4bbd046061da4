/**
 * Benchmark (inside scripts/sandbox.sh): wall time of `virsh define` of a small domain (the tiny
 * guest's XML, a fresh name each time, undefined again untimed), N runs (default 5). Shows whether
 * libvirtd's qemu capability cache holds in this sandbox (see the private /dev/kvm node in
 * scripts/sandbox.sh): without it every define re-probes qemu (~10 s here).
 *
 *   node --import tsx scripts/bench-define.ts [RUNS] [OUT.json]
 */
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureTinyImage, makeTestDir, tinyDomainXml } from '../test/integration/helpers/tiny.js';
import { virsh } from '../test/integration/helpers/libvirt.js';
import { median, loadAverage } from './bench-stats.js';

const runs = Number(process.argv[2] ?? 5);
const out = process.argv[3];

/** Times `runs` defines of fresh domains; returns the seconds of each. */
async function timeDefines(n: number): Promise<number[]> {
  const img = await ensureTinyImage();
  const dir = await makeTestDir('bench-define-');
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
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

const log = await readFile('/run/vlab-sandbox/setup.log', 'utf8').catch(() => '');
const kvmLine = log.split('\n').find((l) => l.startsWith('kvm: ')) ?? 'kvm: (no line in the sandbox setup log)';
const load = await loadAverage();
const times = await timeDefines(runs);
const result = { what: 'virsh define of a small domain', runs: times, medianSec: median(times), sandboxKvm: kvmLine, load };
console.log(`virsh define (${runs} fresh domains): median ${median(times).toFixed(3)}s (runs: ${times.map((t) => t.toFixed(3)).join(', ')})\n  ${kvmLine}\n  load average ${load}`);
if (out) {
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(result, null, 2) + '\n');
}
