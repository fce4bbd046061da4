/**
 * Real Debian 12 guests, one per network stack (vm-images/debian), in the sandbox: a 2-guest lab
 * of each image comes up with its stack auto-detected (cloud-init: declared by the image), the
 * right address on the right MAC, `verify` passes, `down` leaves no trace. And a deliberately
 * wrong netconfig makes `up` fail with the mismatch message instead of hanging or passing.
 *
 * Which images: VLAB_GUESTS=ifupdown,networkd,... (default: every image built under
 * vm-images/debian/out). `npm run test:guests` builds and runs all five; CI runs one a run.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { REPO, sandboxSkipReason } from './helpers/env.js';
import { snapshot, vlab, writeLab, outsideUp } from './helpers/vlab.js';

const OUT = path.join(REPO, 'vm-images', 'debian', 'out');
const ALL = ['ifupdown', 'networkd', 'netplan', 'networkmanager', 'cloud-init'];
const wanted = process.env.VLAB_GUESTS ? process.env.VLAB_GUESTS.split(',').filter(Boolean) : ALL;
const built = (v: string) => existsSync(path.join(OUT, v, 'image.yaml')) && existsSync(path.join(OUT, v, 'disk.qcow2'));
const skip = sandboxSkipReason();
const TIMEOUT = process.env.VLAB_GUEST_TIMEOUT ?? '900';

function lab(name: string, variant: string, netconfig?: string): string {
  const nc = netconfig ? `\n    netconfig: ${netconfig}` : '';
  return `name: ${name}
networks:
  lan:
    cidr: 172.30.5.0/24
    nat: true
images:
  debian: ${path.join(OUT, variant)}
guests:
  g1:
    image: debian
    memory: 512${nc}
    interfaces:
      - { network: lan, address: 172.30.5.11, mac: 52:54:00:30:05:11 }
  g2:
    image: debian
    memory: 512${nc}
    interfaces:
      - { network: lan, address: 172.30.5.12 }
verify:
  external: [198.18.0.2]
`;
}

before(async () => {
  if (!skip) await outsideUp();
});

for (const variant of wanted) {
  const why = skip ?? (built(variant) ? undefined : `image not built: bash vm-images/debian/build.sh ${variant} (or npm run test:guests)`);
  test(`debian/${variant}: stack detected, addresses on the right MACs, verify passes, down leaves no trace`, { skip: why, timeout: 1_800_000 }, async (t) => {
    const before = await snapshot();
    const dir = await mkdtemp('/run/vlab-stack-');
    const name = `st-${variant.replace(/[^a-z]/g, '').slice(0, 10)}`;
    const file = await writeLab(dir, name, lab(name, variant));
    const t0 = performance.now();
    const up = await vlab(['-f', file, 'up', '--timeout', TIMEOUT]);
    const upSec = (performance.now() - t0) / 1000;
    try {
      assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
      t.diagnostic(`debian/${variant}: up ${upSec.toFixed(0)}s; ${up.stdout.split('\n').filter((l) => /network configuration for|ready in/.test(l)).join(' | ')}`);
      const expectStack = variant === 'cloud-init' ? 'cloud-init' : variant;
      assert.match(up.stdout, new RegExp(`g1: network configuration for ${expectStack}`), up.stdout);
      if (variant !== 'cloud-init') assert.match(up.stdout, /detected:/, 'the stack was detected from the disk');
      const link = await vlab(['-f', file, 'exec', 'g1', '--', 'ip', '-o', '-4', 'addr']);
      assert.match(link.stdout, /inet 172\.30\.5\.11\/24/);
      const v = await vlab(['-f', file, 'verify']);
      assert.equal(v.exitCode, 0, v.stdout + v.stderr);
    } finally {
      const down = await vlab(['-f', file, 'down']);
      assert.equal(down.exitCode, 0, down.stdout + down.stderr);
    }
    assert.equal(await snapshot(), before);
  });
}

const wrongWhy = skip ?? (built('networkd') && wanted.includes('networkd') ? undefined : 'needs the networkd image (VLAB_GUESTS includes networkd, and it is built)');
test('a wrong netconfig (ifupdown forced on the networkd image) fails up with the mismatch, not a hang or a pass', { skip: wrongWhy, timeout: 1_800_000 }, async () => {
  const before = await snapshot();
  const dir = await mkdtemp('/run/vlab-stack-');
  const file = await writeLab(dir, 'st-wrong', lab('st-wrong', 'networkd', 'ifupdown'));
  const up = await vlab(['-f', file, 'up', '--timeout', '240']);
  try {
    assert.equal(up.exitCode, 3, `up must fail:\n${up.stdout}\n${up.stderr}`);
    assert.match(up.stderr, /does not have the configured addresses/);
    assert.match(up.stderr, /\(52:54:00:[0-9a-f:]+\): expected 172\.30\.5\.1[12]\/24, has /);
    assert.match(up.stderr, /rendered config: ifupdown: \/etc\/network\/interfaces inside /);
  } finally {
    const down = await vlab(['-f', file, 'down']);
    assert.equal(down.exitCode, 0, down.stdout + down.stderr);
  }
  assert.equal(await snapshot(), before);
});

