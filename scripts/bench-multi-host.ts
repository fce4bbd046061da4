/**
 * Benchmark (inside scripts/sandbox.sh, with host B of the two-host test bed up: run by
 * scripts/bench.sh with BENCH_MULTI=1): wall time of `up` and of `down` of the 3-guest lab of
 * examples/two-hosts.yaml placed across host A and host B, against a baseline in the same run:
 * the same 3 guests and networks on one host. Runs alternate A/B, N rounds (argv[2], default 3);
 * medians and the median of the pair-by-pair ratios are printed. No checkpoint (its cost is the
 * same on both sides).
 */
import { execa } from 'execa';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO } from '../test/integration/helpers/env.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const vlab = (args: string[]) => execa('node', [path.join(REPO, 'bin/vlab.js'), ...args], { cwd: REPO, reject: false });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const example = await readFile(path.join(REPO, 'examples/two-hosts.yaml'), 'utf8');
const dir = await mkdtemp('/run/mhbench-');
const across = path.join(dir, 'across.yaml');
const single = path.join(dir, 'single.yaml');
const key = process.env.SANDBOX_PEER_KEY!;
const known = process.env.SANDBOX_PEER_KNOWN_HOSTS!;
await writeFile(across, example.replace('known_hosts: b.known_hosts', `identity: ${key}, known_hosts: ${known}`).replace('../vm-images/tiny', path.join(REPO, 'vm-images/tiny')));
// The same lab on this host only: no hosts:, no host:, no gateway_host:.
await writeFile(
  single,
  (await readFile(across, 'utf8'))
    .replace(/^hosts:\n(?: {2}.*\n)+/m, '')
    .replace(/, host: b/g, '')
    .replace(/, gateway_host: b/g, '')
    .replace('name: duo', 'name: solo'),
);

async function timed(args: string[]): Promise<number> {
  const t0 = performance.now();
  const r = await vlab(args);
  if (r.exitCode !== 0) throw new Error(`vlab ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

const up: Record<string, number[]> = { across: [], single: [] };
const down: Record<string, number[]> = { across: [], single: [] };
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, file] of [
    ['across', across],
    ['single', single],
  ] as const) {
    up[name]!.push(await timed(['-f', file, 'up', '-q', '--no-checkpoint']));
    down[name]!.push(await timed(['-f', file, 'down', '-q']));
  }
}
// What one command on host B costs over the shared connection, against the same command here.
const ctl = await mkdtemp('/run/mhbench-ctl-');
const sshArgv = [
  '-o',
  'BatchMode=yes',
  '-o',
  `UserKnownHostsFile=${known}`,
  '-i',
  key,
  '-o',
  'ControlMaster=auto',
  '-o',
  `ControlPath=${ctl}/%C`,
  '-o',
  'ControlPersist=30',
  'root@198.19.0.2',
];
const each = async (argv: string[]) => {
  const t0 = performance.now();
  await execa(argv[0]!, argv.slice(1));
  return performance.now() - t0;
};
await each(['ssh', ...sshArgv, 'true']);
const overSsh: number[] = [];
const here: number[] = [];
for (let i = 0; i < 20; i++) {
  overSsh.push(await each(['ssh', ...sshArgv, 'ip', '-j', 'link', 'show']));
  here.push(await each(['ip', '-j', 'link', 'show']));
}
await execa('ssh', [...sshArgv.slice(0, -1), '-O', 'exit', 'root@198.19.0.2'], { reject: false });

const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
const f = (x: number) => x.toFixed(2);
console.log(`== multi-host (${ROUNDS} rounds, A/B alternating; 3 tiny guests, one network stretched over VXLAN)`);
console.log(`up    across 2 hosts ${f(median(up.across!))} s   one host ${f(median(up.single!))} s   ratio ${f(ratio(up.across!, up.single!))}`);
console.log(`one \`ip -j link show\` on host B over the shared SSH connection ${f(median(overSsh))} ms, here ${f(median(here))} ms (median of 20)`);
console.log(`down  across 2 hosts ${f(median(down.across!))} s   one host ${f(median(down.single!))} s   ratio ${f(ratio(down.across!, down.single!))}`);
