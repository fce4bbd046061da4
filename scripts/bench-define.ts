/**
 * Benchmark (inside scripts/sandbox.sh): wall time of `virsh define` of a small domain (the tiny
 * guest's XML, a fresh name each time, undefined again untimed), RUNS runs (default 5). Shows whether
 * libvirtd's qemu capability cache holds in this sandbox (see the private /dev/kvm node in
 * scripts/sandbox.sh; VLAB_SANDBOX_KVM_NODE=0 leaves it out): without it every define re-probes qemu.
 *
 *   node --import tsx scripts/bench-define.ts [RUNS] [OUT.json]
 */
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { defineTimes } from './bench-guest.js';
import { median, loadAverage } from './bench-stats.js';

const runs = Number(process.argv[2] ?? 5);
const out = process.argv[3];
const log = await readFile('/run/vlab-sandbox/setup.log', 'utf8').catch(() => '');
const kvmLine = log.split('\n').find((l) => l.startsWith('kvm: ')) ?? 'kvm: (no line in the sandbox setup log)';
const load = await loadAverage();
const times = await defineTimes(runs);
const result = { what: 'virsh define of a small domain', runs: times, medianSec: median(times), sandboxKvm: kvmLine, load };
console.log(`virsh define (${runs} fresh domains): median ${median(times).toFixed(3)}s (runs: ${times.map((t) => t.toFixed(3)).join(', ')})\n  ${kvmLine}\n  load average ${load}`);
if (out) {
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(result, null, 2) + '\n');
}
