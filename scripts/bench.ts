/**
 * `npm run bench` (runs inside scripts/sandbox.sh; see docs/bench.md). In ONE run, side by
 * side, each also as a ratio:
 *   - the seed lab built the manual way with plain virsh + guestfish (the baseline, injection included);
 *   - `vlab up` of the seed lab on the default guest-disk path, and with VLAB_GUEST_DISKS=libguestfs;
 *   - the guests' own boot-to-ready, measured by the bench on vlab's prepared disks (virsh destroy,
 *     virsh start, wait until the agent answers and the addresses show);
 *   - the "Guest configuration" phase for 2 guests (seed) and for BENCH_MANY (10) tiny guests;
 *   - `vlab --help`, `vlab validate`, `vlab status` start-up (median of BENCH_CLI_RUNS) against `node -e 0`;
 *   - `virsh define` of a small domain (libvirt's capability cache in this sandbox);
 *   - `vlab reset` of the seed lab (median of BENCH_RESETS, 3) against the rebuild it replaces,
 *     `vlab down` + `vlab up`, timed in the same round;
 *   - `vlab reset --cold` (BENCH_COLD_RESETS, 1) in the same round;
 *   - with BENCH_DEBIAN=1, a 2-guest Debian lab (DEBIAN_OUT, variant BENCH_DEBIAN_VARIANT=networkd):
 *     vlab up against its boot-to-ready and the plain virsh + guestfish script, reset and
 *     reset --cold against down + up, and `boot: kernel` against the disk's own GRUB (the
 *     ifupdown image's disk as a bare qcow2).
 * BENCH_ROUNDS (1) repeats the seed comparison; medians are printed. Figures are printed and
 * written to out/bench/bench-TIME.json and out/bench/latest.json, never asserted.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../test/integration/helpers/env.js';
import { virsh } from '../test/integration/helpers/libvirt.js';
import { median, ratio, loadAverage } from './bench-stats.js';
import { plainLab, seedBaseline, networkdFile, type PlainTimes } from './bench-baseline.js';
import { rebootToReady, defineTimes } from './bench-guest.js';
import { timeCli, timeNode, type CliTiming } from './bench-cli.js';
import { SEED_LAB, vlab, vlabUp, resetVsRebuild, rebuildSec, phaseSec, readyTargets, tinyLab, debianLab, readImage, type UpFigures, type ResetFigures } from './bench-labs.js';
import { CHECKPOINT_PHASE } from '../src/lab/snapshot.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? 10);
const MANY = Number(process.env.BENCH_MANY ?? 10);
const DEBIAN = process.env.BENCH_DEBIAN === '1';
const DEBIAN_OUT = process.env.DEBIAN_OUT ? path.resolve(REPO, process.env.DEBIAN_OUT) : path.join(REPO, 'vm-images', 'debian', 'out');
const DEBIAN_VARIANT = process.env.BENCH_DEBIAN_VARIANT ?? 'networkd';
const CONFIG = 'Guest configuration';
const RESETS = Number(process.env.BENCH_RESETS ?? 3);
const COLD = Number(process.env.BENCH_COLD_RESETS ?? 1);
const FORCE_LIBGUESTFS = { VLAB_GUEST_DISKS: 'libguestfs' };

const loads: Record<string, string> = {};
const note = async (what: string) => {
  loads[what] = await loadAverage();
  console.error(`bench: ${what} (load ${loads[what]})`);
};
const s = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '   n/a' : `${x.toFixed(2).padStart(6)}s`);
const git = async (args: string[]) => String((await execa('git', args, { cwd: REPO, reject: false })).stdout).trim();

/** Which path `vlab plan` says each guest's disk takes (lines naming it), or a note that it names none. */
async function diskPaths(file: string, env: Record<string, string> = {}): Promise<string[]> {
  const out = await vlab(['-f', file, 'plan'], env).catch((e: Error) => e.message);
  const lines = out
    .split('\n')
    .filter((l) => /written directly|libguestfs appliance/i.test(l))
    .map((l) => l.trim());
  return lines.length ? lines : ['(plan names no guest-disk path: this checkout has only the libguestfs path)'];
}

/** `virsh dumpxml`'s domain type of each domain (qemu = TCG, kvm = KVM). */
async function domainTypes(domains: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const d of domains) out[d] = /<domain type='(\w+)'/.exec(await virsh(['dumpxml', d]))?.[1] ?? '?';
  return out;
}

interface Round {
  baseline: PlainTimes;
  up: UpFigures;
  upLibguestfs: UpFigures;
  bootToReady: number;
  reset: ResetFigures;
}

const started = new Date();
const commit = await git(['rev-parse', 'HEAD']);
const dirty = (await git(['status', '--porcelain', '--untracked-files=no'])) !== '';
console.log(`vlab bench, ${started.toISOString()}, commit ${commit}${dirty ? ' (+ uncommitted changes)' : ''}, ${(await git(['rev-parse', '--abbrev-ref', 'HEAD'])) || '?'}`);
await note('start');
const seedPaths = await diskPaths(SEED_LAB);
const seedPathsForced = await diskPaths(SEED_LAB, FORCE_LIBGUESTFS);
const seedTargets = await readyTargets(SEED_LAB);

// --- the seed lab: baseline, vlab up (default, libguestfs forced), boot-to-ready; CLI while up ---
const rounds: Round[] = [];
let cli: CliTiming[] = [];
let accel: Record<string, string> = {};
for (let r = 0; r < ROUNDS; r++) {
  await note(`round ${r + 1}: plain virsh + guestfish`);
  const baseline = await seedBaseline();
  await note(`round ${r + 1}: vlab up (default path)`);
  const up = await vlabUp(SEED_LAB);
  accel = await domainTypes(seedTargets.map((t) => t.domain));
  await note(`round ${r + 1}: vlab reset x${RESETS}, reset --cold x${COLD}, then the rebuild they replace (down + up)`);
  const reset = await resetVsRebuild(SEED_LAB, RESETS, COLD);
  await note(`round ${r + 1}: boot-to-ready of vlab's guests`);
  const bootToReady = await rebootToReady(seedTargets);
  if (r === 0) {
    await note('CLI start-up');
    cli = [
      await timeNode(CLI_RUNS),
      await timeCli('vlab --help', ['--help'], CLI_RUNS),
      await timeCli('vlab validate', ['-f', SEED_LAB, 'validate'], CLI_RUNS),
      await timeCli('vlab status', ['-f', SEED_LAB, 'status'], CLI_RUNS),
    ];
  }
  await vlab(['-f', SEED_LAB, 'down']);
  await note(`round ${r + 1}: vlab up (VLAB_GUEST_DISKS=libguestfs)`);
  const upLibguestfs = await vlabUp(SEED_LAB, FORCE_LIBGUESTFS, 600, ['--no-checkpoint']);
  await vlab(['-f', SEED_LAB, 'down']);
  rounds.push({ baseline, up, upLibguestfs, bootToReady, reset });
}

// --- guest configuration for MANY guests ---
await note(`vlab up of ${MANY} tiny guests`);
const dir = await mkdtemp('/run/bench-');
const manyFile = path.join(dir, 'bench-many.yaml');
await writeFile(manyFile, tinyLab('benchmany', MANY));
const many = await vlabUp(manyFile, {}, 900);
await vlab(['-f', manyFile, 'down']);

// --- define ---
await note('virsh define');
const defines = await defineTimes(5);
const sandboxKvm =
  (await readFile('/run/vlab-sandbox/setup.log', 'utf8').catch(() => '')).split('\n').find((l) => l.startsWith('kvm: ')) ?? '(no kvm line in the sandbox setup log)';

// --- optional: a 2-guest Debian lab ---
let debian:
  | {
      variant: string;
      baseline: PlainTimes;
      up: UpFigures;
      upLibguestfs?: UpFigures;
      bootToReady: number;
      paths: string[];
      reset: ResetFigures;
      kernelBoot: { firmware: UpFigures; kernel: UpFigures } | string;
    }
  | string
  | undefined;
if (DEBIAN) {
  const imageDir = path.join(DEBIAN_OUT, DEBIAN_VARIANT);
  if (!existsSync(path.join(imageDir, 'image.yaml'))) {
    debian = `skipped: no image in ${imageDir} (bash vm-images/debian/build.sh ${DEBIAN_VARIANT}, or set DEBIAN_OUT)`;
  } else {
    const img = await readImage(imageDir);
    const file = path.join(dir, 'benchdeb.yaml');
    await writeFile(file, debianLab('benchdeb', imageDir));
    const targets = await readyTargets(file);
    await note('Debian: plain virsh + guestfish');
    const baseline = await plainLab({
      bridge: 'benchdebbr',
      hostAddress: '172.30.6.1/24',
      subnet: '172.30.6.0/24',
      image: img,
      guests: [1, 2].map((i) => ({
        name: `deb${i}`,
        mac: `52:54:00:30:06:${10 + i}`,
        address: `172.30.6.${10 + i}`,
        memoryMiB: 512,
        files: { '/etc/systemd/network/10-bench.network': networkdFile(`52:54:00:30:06:${10 + i}`, `172.30.6.${10 + i}/24`, '172.30.6.1') },
      })),
    });
    const paths = await diskPaths(file);
    await note('Debian: vlab up (default path)');
    const up = await vlabUp(file, {}, 900);
    await note(`Debian: vlab reset x${RESETS}, reset --cold x${COLD}, then the rebuild they replace (down + up)`);
    const reset = await resetVsRebuild(file, RESETS, COLD, 900);
    await note("Debian: boot-to-ready of vlab's guests");
    const bootToReady = await rebootToReady(targets, 900_000);
    await vlab(['-f', file, 'down']);
    let upLibguestfs: UpFigures | undefined;
    if (!paths[0]!.startsWith('(')) {
      await note('Debian: vlab up (VLAB_GUEST_DISKS=libguestfs)');
      upLibguestfs = await vlabUp(file, FORCE_LIBGUESTFS, 900);
      await vlab(['-f', file, 'down']);
    }
    // boot: kernel against the disk's own GRUB, on the one image that ships a bootloader (ifupdown).
    let kernelBoot: { firmware: UpFigures; kernel: UpFigures } | string;
    const grubDisk = path.join(DEBIAN_OUT, 'ifupdown', 'disk.qcow2');
    if (!existsSync(grubDisk)) kernelBoot = `skipped: no ${grubDisk} (bash vm-images/debian/build.sh ifupdown)`;
    else {
      const fw = path.join(dir, 'benchfw.yaml');
      const kb = path.join(dir, 'benchkb.yaml');
      await writeFile(fw, debianLab('benchfw', grubDisk, 'firmware'));
      await writeFile(kb, debianLab('benchkb', grubDisk, 'kernel'));
      await note('Debian: vlab up of the bare ifupdown disk, GRUB (boot: firmware)');
      const firmware = await vlabUp(fw, {}, 900, ['--no-checkpoint']);
      await vlab(['-f', fw, 'down']);
      await note('Debian: vlab up of the bare ifupdown disk, boot: kernel');
      const kernel = await vlabUp(kb, {}, 900, ['--no-checkpoint']);
      await vlab(['-f', kb, 'down']);
      kernelBoot = { firmware, kernel };
    }
    debian = { variant: DEBIAN_VARIANT, baseline, up, ...(upLibguestfs ? { upLibguestfs } : {}), bootToReady, paths, reset, kernelBoot };
  }
}
await note('end');

// --- print ---
const med = (f: (r: Round) => number | undefined) => median(rounds.map(f).filter((x): x is number => x !== undefined));
const base = med((r) => r.baseline.total);
const baseBoot = med((r) => r.baseline.boot);
const up = med((r) => r.up.wallSec);
const upG = med((r) => r.upLibguestfs.wallSec);
const boot = med((r) => r.bootToReady);
const cfg2 = med((r) => phaseSec(r.up, CONFIG));
const cfg2G = med((r) => phaseSec(r.upLibguestfs, CONFIG));
const cfgMany = phaseSec(many, CONFIG);
const reset = med((r) => median(r.reset.resets));
const rebuild = med((r) => rebuildSec(r.reset));
const checkpoint = med((r) => phaseSec(r.up, CHECKPOINT_PHASE));
/** The reset line and the rebuild line: the medians, each round's runs, and reset / rebuild. */
function printReset(reset: number, rebuild: number, runs: ResetFigures[]): void {
  const cold = median(runs.flatMap((r) => r.cold));
  console.log(`  vlab reset                           ${s(reset)}   runs ${runs.map((r) => r.resets.map((x) => x.toFixed(2)).join(' ')).join(' | ')}`);
  console.log(
    `  vlab reset --cold                    ${s(cold)}   runs ${runs.map((r) => r.cold.map((x) => x.toFixed(2)).join(' ')).join(' | ')}   = ${ratio(cold, rebuild)} of the rebuild`,
  );
  console.log(
    `  vlab down + vlab up (the rebuild)    ${s(rebuild)}   (${runs.map((r) => `down ${r.rebuild.down.toFixed(2)} + up ${r.rebuild.up.toFixed(2)}`).join(' | ')})   reset = ${ratio(reset, rebuild)} of it`,
  );
}
const phasesLine = (u: UpFigures) => u.phases.map((p) => `${p.title} ${p.seconds.toFixed(2)}`).join(', ');

console.log(
  `\n== seed lab (examples/seed.yaml, 2 tiny guests, TCG: ${Object.values(accel).join(', ') === 'qemu, qemu' ? 'domain type qemu' : JSON.stringify(accel)}), ${ROUNDS} round${ROUNDS > 1 ? 's (medians)' : ''}`,
);
console.log(`  guest disks, default path:  ${seedPaths.join('; ')}`);
console.log(`  guest disks, forced:        ${seedPathsForced.join('; ')}`);
console.log(
  `  plain virsh + guestfish (baseline)   ${s(base)}   steps: ${rounds.map((r) => `network ${r.baseline.network.toFixed(2)}, overlays ${r.baseline.overlays.toFixed(2)}, guestfish ${r.baseline.guestfish.toFixed(2)}, define ${r.baseline.define.toFixed(2)}, boot ${r.baseline.boot.toFixed(2)}`).join(' | ')}`,
);
console.log(`  vlab up (default path)               ${s(up)}   = ${ratio(up, boot)} boot-to-ready, ${ratio(up, base)} baseline`);
for (const r of rounds) console.log(`      phases: ${phasesLine(r.up)}`);
console.log(`      of which the 'ready' checkpoint ${s(checkpoint).trim()} (= ${ratio(checkpoint, up)} of up; \`up --no-checkpoint\` skips it)`);
console.log(
  `  vlab up (VLAB_GUEST_DISKS=libguestfs, --no-checkpoint) ${s(upG)}   = ${ratio(upG, boot)} boot-to-ready, ${ratio(upG, base)} baseline, ${ratio(upG, up)} default path`,
);
for (const r of rounds) console.log(`      phases: ${phasesLine(r.upLibguestfs)}`);
console.log(`  guests' boot-to-ready                ${s(boot)}   (bench: virsh destroy + start of vlab's domains on vlab's disks, until agent + addresses)`);
console.log(`  baseline's own boot (start->ready)   ${s(baseBoot)}   = ${ratio(baseBoot, base)} of the baseline`);
console.log(`  vlab's own per-guest ready:          ${rounds.map((r) => r.up.guests.map((g) => `${g.guest} ${g.readySec.toFixed(2)}s`).join(', ')).join(' | ')}`);
console.log(`\n== reset between experiments (seed lab, medians)`);
printReset(
  reset,
  rebuild,
  rounds.map((r) => r.reset),
);
console.log(`\n== "${CONFIG}" phase`);
console.log(`  2 guests (seed), default path        ${s(cfg2)}   (libguestfs forced: ${s(cfg2G).trim()})`);
console.log(`  ${MANY} tiny guests, default path       ${s(cfgMany)}   (whole up ${s(many.wallSec).trim()}; phases: ${phasesLine(many)})`);
console.log(`\n== CLI start-up, median of ${CLI_RUNS} (each run paired with node -e 0; ratio = median of the pair ratios)`);
for (const c of cli)
  console.log(
    `  ${c.command.padEnd(16)} ${s(c.medianSec)}   = ${c.vsNodeMedian.toFixed(1)}x node -e 0${c.exitCode ? `  (exit ${c.exitCode})` : ''}   runs ${c.runs.map((x) => x.toFixed(3)).join(' ')}`,
  );
console.log(`\n== virsh define of a small domain, median of ${defines.length}: ${s(median(defines)).trim()}  (${defines.map((x) => x.toFixed(3)).join(' ')})\n  ${sandboxKvm}`);
if (typeof debian === 'string') console.log(`\n== Debian: ${debian}`);
else if (debian) {
  const d = debian;
  console.log(`\n== 2-guest Debian lab (${d.variant}, ${DEBIAN_OUT})`);
  console.log(`  guest disks, default path:  ${d.paths.join('; ')}`);
  console.log(
    `  plain virsh + guestfish (baseline)   ${s(d.baseline.total)}   steps: network ${d.baseline.network.toFixed(2)}, overlays ${d.baseline.overlays.toFixed(2)}, guestfish ${d.baseline.guestfish.toFixed(2)}, define ${d.baseline.define.toFixed(2)}, boot ${d.baseline.boot.toFixed(2)} (= ${ratio(d.baseline.boot, d.baseline.total)} of it)`,
  );
  console.log(
    `  vlab up (default path)               ${s(d.up.wallSec)}   = ${ratio(d.up.wallSec, d.bootToReady)} boot-to-ready, ${ratio(d.up.wallSec, d.baseline.total)} baseline`,
  );
  console.log(`      phases: ${phasesLine(d.up)}`);
  if (d.upLibguestfs)
    console.log(
      `  vlab up (VLAB_GUEST_DISKS=libguestfs) ${s(d.upLibguestfs.wallSec)}   = ${ratio(d.upLibguestfs.wallSec, d.bootToReady)} boot-to-ready, ${ratio(d.upLibguestfs.wallSec, d.baseline.total)} baseline`,
    );
  console.log(`  guests' boot-to-ready                ${s(d.bootToReady)}   (second boot of vlab's guests: virsh destroy + start)`);
  printReset(median(d.reset.resets), rebuildSec(d.reset), [d.reset]);
  if (typeof d.kernelBoot === 'string') console.log(`  boot: kernel against GRUB: ${d.kernelBoot}`);
  else {
    const ready = (u: UpFigures) => phaseSec(u, 'Guests ready');
    const { firmware, kernel } = d.kernelBoot;
    console.log(`  bare ifupdown disk, boot: firmware (GRUB) up ${s(firmware.wallSec)}   Guests ready ${s(ready(firmware)).trim()}`);
    console.log(
      `  bare ifupdown disk, boot: kernel     up ${s(kernel.wallSec)}   Guests ready ${s(ready(kernel)).trim()}   = ${ratio(kernel.wallSec, firmware.wallSec)} of the GRUB up (saves ${s(firmware.wallSec - kernel.wallSec).trim()})`,
    );
  }
}
console.log(
  `\n  load averages: ${Object.entries(loads)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ')}`,
);

const result = {
  started: started.toISOString(),
  commit,
  dirty,
  seed: {
    rounds,
    diskPaths: { default: seedPaths, forcedLibguestfs: seedPathsForced },
    domainTypes: accel,
    medians: {
      baseline: base,
      baselineBoot: baseBoot,
      up,
      upLibguestfs: upG,
      bootToReady: boot,
      guestConfig2: cfg2,
      guestConfig2Libguestfs: cfg2G,
      checkpoint,
      reset,
      coldReset: med((r) => median(r.reset.cold)),
      rebuild,
    },
  },
  many: { guests: MANY, up: many, guestConfig: cfgMany },
  cli,
  define: { runs: defines, medianSec: median(defines), sandboxKvm },
  debian: debian ?? null,
  loads,
};
const outDir = path.join(REPO, 'out', 'bench');
await mkdir(outDir, { recursive: true });
const stamp = started.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
await writeFile(path.join(outDir, `bench-${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
await writeFile(path.join(outDir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
console.log(`  JSON: out/bench/bench-${stamp}.json (and out/bench/latest.json)`);
