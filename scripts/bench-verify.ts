/**
 * Benchmark (inside scripts/sandbox.sh, with the simulated outside host up): wall time of
 * `vlab verify` for 2 and 4 guests (full mesh + gateway + external), 5 runs each, against a
 * baseline in the same run: the same pings run one `vlab exec` at a time (one round trip per ping).
 * Second argument: the exec transports to measure, e.g. `agent,ssh` (default `agent`).
 */
import { execa } from 'execa';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO } from '../test/integration/helpers/env.js';

const sizes = (process.argv[2] ?? '2,4').split(',').map(Number);
const transports = (process.argv[3] ?? 'agent').split(',');
const RUNS = 5;
const vlab = (args: string[]) => execa('node', [path.join(REPO, 'bin/vlab.js'), ...args], { cwd: REPO, reject: false });

function lab(n: number, exec: string): string {
  const guests = Array.from(
    { length: n },
    (_, i) => `  g${i + 1}:\n    image: tiny\n    memory: 160\n    exec: ${exec}\n    interfaces: [ { network: net, address: 172.26.0.${10 + i} } ]`,
  ).join('\n');
  return `name: vbench\nnetworks:\n  net: { cidr: 172.26.0.0/24, nat: true }\nimages:\n  tiny: ${path.join(REPO, 'vm-images/tiny')}\nguests:\n${guests}\nverify:\n  external: [198.18.0.2]\n`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[] = [];
for (const n of sizes)
  for (const exec of transports) {
    const dir = await mkdtemp('/run/vbench-');
    const file = path.join(dir, 'vbench.yaml');
    await writeFile(file, lab(n, exec));
    const up = await vlab(['-f', file, 'up', '-q']);
    if (up.exitCode !== 0) throw new Error(`up failed: ${up.stderr}`);
    const times: number[] = [];
    let checks = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const r = await vlab(['-f', file, 'verify', '--json']);
      times.push((performance.now() - t0) / 1000);
      const j = JSON.parse(String(r.stdout));
      checks = j.summary.total;
      if (!j.ok) throw new Error(`verify failed: ${r.stdout}`);
    }
    // Baseline: the same checks, one `vlab exec ping` per check, one after another.
    const j = JSON.parse(String((await vlab(['-f', file, 'verify', '--json'])).stdout)) as { checks: { from: string; address: string }[] };
    const t0 = performance.now();
    for (const c of j.checks) await vlab(['-f', file, 'exec', c.from, '--', 'ping', '-c', '2', '-W', '1', c.address]);
    const base = (performance.now() - t0) / 1000;
    await vlab(['-f', file, 'down', '-q']);
    console.log(
      `${n} guests, exec ${exec}, ${checks} checks: verify min ${Math.min(...times).toFixed(2)}s, median ${median(times).toFixed(2)}s (runs: ${times.map((t) => t.toFixed(2)).join(', ')}); baseline one exec per ping ${base.toFixed(2)}s → verify takes ${(median(times) / base).toFixed(2)}x the baseline`,
    );
    rows.push(`| ${n} | ${exec} | ${checks} | ${Math.min(...times).toFixed(2)} | ${median(times).toFixed(2)} | ${base.toFixed(2)} | ${(median(times) / base).toFixed(2)}x |`);
  }
console.log('\n| guests | exec | checks | verify min s | verify median s | one exec per ping s | ratio |\n|---|---|---|---|---|---|---|\n' + rows.join('\n'));
