/**
 * Benchmark (runs inside scripts/sandbox.sh): for N = 1 and 3 guests, the baseline boots the same
 * tiny guests with plain virsh from overlays whose network config was written beforehand (not
 * timed), on a bridge made beforehand, and waits for each guest agent; then `vlab up` does the
 * whole job and `vlab down` removes it. Prints phase timings and ratios to the baseline.
 */
import { execa } from 'execa';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { REPO } from '../test/integration/helpers/env.js';
import { ensureTinyImage, stageTinyImage, makeOverlay, injectFiles, defineTinyDomain, makeTestDir } from '../test/integration/helpers/tiny.js';
import { virsh, waitForAgent, removeDomain } from '../test/integration/helpers/libvirt.js';

const sizes = (process.argv[2] ?? '1,3').split(',').map(Number);

function lab(n: number): string {
  const guests = Array.from({ length: n }, (_, i) => `  g${i + 1}:\n    image: tiny\n    memory: 160\n    interfaces: [ { network: net, address: 172.24.0.${10 + i} } ]`).join('\n');
  return `name: bench\nnetworks:\n  net: { cidr: 172.24.0.0/24, nat: true }\nimages:\n  tiny: ${path.join(REPO, 'vm-images/tiny')}\nguests:\n${guests}\n`;
}

async function baseline(n: number): Promise<number> {
  const img = await ensureTinyImage();
  const dir = await makeTestDir('bench-');
  const staged = await stageTinyImage(img, dir);
  await execa('ip', ['link', 'add', 'benchbr', 'type', 'bridge']);
  await execa('ip', ['addr', 'add', '172.25.0.1/24', 'dev', 'benchbr']);
  await execa('ip', ['link', 'set', 'benchbr', 'up']);
  const disks = [];
  for (let i = 0; i < n; i++) {
    const disk = await makeOverlay(staged.disk, path.join(dir, `b${i}.qcow2`));
    disks.push({ disk, files: { '/etc/network/interfaces': `auto eth0\niface eth0 inet static\n    address 172.25.0.${10 + i}\n    netmask 255.255.255.0\n` } });
  }
  await injectFiles(disks, dir);
  // Timed from `virsh define`: defining is part of booting with plain virsh (and costs ~10 s a
  // domain in the sandbox on these machines, where libvirt re-probes qemu's capabilities).
  const t0 = performance.now();
  const names = await Promise.all(
    disks.map((d, i) => defineTinyDomain({ name: `bench-base-${i}`, image: staged, disk: d.disk, memoryMiB: 160, nics: [{ mac: `52:54:00:bb:00:${String(10 + i)}`, bridge: 'benchbr' }], consoleLog: path.join(dir, `b${i}.log`) }, virsh)),
  );
  await Promise.all(names.map(async (name) => {
    await virsh(['start', name]);
    await waitForAgent(name, 300_000);
  }));
  const secs = (performance.now() - t0) / 1000;
  await Promise.all(names.map(removeDomain));
  await execa('ip', ['link', 'del', 'benchbr']);
  await rm(dir, { recursive: true, force: true });
  return secs;
}

async function vlabRun(args: string[]): Promise<{ secs: number; stdout: string }> {
  const t0 = performance.now();
  const r = await execa('node', [path.join(REPO, 'bin/vlab.js'), ...args], { cwd: REPO });
  return { secs: (performance.now() - t0) / 1000, stdout: String(r.stdout) };
}

const rows: string[] = [];
for (const n of sizes) {
  const base = await baseline(n);
  const dir = await mkdtemp('/run/bench-');
  const file = path.join(dir, 'bench.yaml');
  await writeFile(file, lab(n));
  const up = await vlabRun(['-f', file, 'up', '--json']);
  const report = JSON.parse(up.stdout) as { phases: { title: string; seconds: number }[] };
  const down = await vlabRun(['-f', file, 'down']);
  console.log(`\n${n} guest${n > 1 ? 's' : ''}:`);
  console.log(`  baseline (virsh define + start + agent, config pre-written): ${base.toFixed(1)}s`);
  for (const p of report.phases) console.log(`  vlab up phase ${p.title.padEnd(22)} ${p.seconds.toFixed(1)}s`);
  console.log(`  vlab up total (process wall time)                   ${up.secs.toFixed(1)}s  = ${(up.secs / base).toFixed(2)}x baseline`);
  console.log(`  vlab down total                                     ${down.secs.toFixed(1)}s`);
  rows.push(`| ${n} | ${base.toFixed(1)} | ${up.secs.toFixed(1)} | ${(up.secs / base).toFixed(2)}x | ${down.secs.toFixed(1)} |`);
}
console.log('\n| guests | baseline s | vlab up s | up / baseline | vlab down s |\n|---|---|---|---|---|\n' + rows.join('\n'));
