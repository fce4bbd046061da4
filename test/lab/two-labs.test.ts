/** Two labs on one host, brought up one after the other: whichever goes down last puts ip_forward and the nat table back (the second lab inherits the first one's "before"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeHost } from '../fakes/fake-host.js';
import { fakeLab, SEED_YAML } from '../fakes/labs.js';
import { planOn } from '../fakes/run-lab.js';
import { loadLabFile } from '../../src/lab/lab-file.js';
import { labUp } from '../../src/lab/up.js';
import { labDown } from '../../src/lab/down.js';

const T = { readyTimeoutSec: 5, uplinkTimeoutSec: 5, checkpoint: false };
const OTHER = SEED_YAML.replace('name: seed', 'name: other')
  .replace('isolationbr', 'otherbr')
  .replace(/172\.16\./g, '172.17.')
  .replace('52:54:00:12:34:56', '52:54:00:12:34:57');

for (const order of [
  ['seed', 'other'],
  ['other', 'seed'],
]) {
  test(`up seed then other; down ${order.join(' then ')}: the host is as before`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-two-'));
    try {
      const root = path.join(dir, 'state');
      const fake = new FakeHost();
      const before = fake.snapshot();
      for (const [name, yaml] of [
        ['seed', SEED_YAML],
        ['other', OTHER],
      ] as const) {
        const d = path.join(dir, name);
        fs.mkdirSync(d);
        fakeLab(yaml, d);
        await planOn(fake, path.join(d, 'vlab.yaml'), root);
        const up = await labUp({ loaded: loadLabFile(path.join(d, 'vlab.yaml')), host: fake.host, root, ...T });
        if (name === 'other') {
          const fwd = up.plan.actions.find((a) => a.kind === 'sysctl.forward')!;
          assert.match(fwd.description, /now 1, turned on by lab seed; restored to 0/);
          assert.ok(fwd.details.kind === 'sysctl.forward' && fwd.details.previous === '0');
        }
      }
      assert.equal(fake.state.sysctl['net.ipv4.ip_forward'], '1');
      const [first, second] = order as [string, string];
      assert.deepEqual((await labDown({ lab: first, host: fake.host, root })).failed, []);
      assert.equal(fake.state.sysctl['net.ipv4.ip_forward'], '1', `${second} still needs forwarding`);
      assert.deepEqual((await labDown({ lab: second, host: fake.host, root })).failed, []);
      assert.equal(fake.snapshot(), before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
