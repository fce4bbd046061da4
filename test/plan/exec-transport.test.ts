/** Which guests vlab reaches over SSH, where, and what the plan does about it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { chooseExec, sshAddress } from '../../src/plan/exec-transport.js';
import { planLab } from '../../src/plan/planner.js';
import { parseLab } from '../../src/spec/load.js';
import { emptyHost } from '../fixtures/plan/empty-host.js';
import { tinyImage } from '../fixtures/plan/common.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');

const lab = parseLab(
  `
name: mix
networks:
  lan: { bridge: mixbr, cidr: 10.6.0.0/24 }
  up: { bridge: br0, uplink: enp1s0 }
guests:
  s: { image: tiny, exec: ssh, interfaces: [{ network: up }, { network: lan, address: 10.6.0.5 }] }
  a: { image: tiny, interfaces: [{ network: lan, address: 10.6.0.6 }] }
  g: { image: tiny, exec: agent, interfaces: [{ network: lan, address: 10.6.0.7 }] }
  d: { image: tiny, exec: ssh, interfaces: [{ network: up }] }
images:
  tiny: /vm-images/tiny
`,
  '/labs/mix.yaml',
);
const guest = (n: string) => lab.guests.find((g) => g.name === n)!;

test('sshAddress: the first static address on a network the host has an address on', () => {
  assert.equal(sshAddress(lab, guest('s')), '10.6.0.5', 'skips the DHCP uplink NIC');
  assert.equal(sshAddress(lab, guest('d')), undefined);
});

test('chooseExec: the guest decides, then the image, else auto', () => {
  assert.deepEqual(chooseExec(lab, guest('s'), tinyImage), { mode: 'ssh', source: 'lab file', sshAddress: '10.6.0.5' });
  assert.deepEqual(chooseExec(lab, guest('a'), tinyImage), { mode: 'auto', source: 'default', sshAddress: '10.6.0.6' });
  assert.equal(chooseExec(lab, guest('a'), { ...tinyImage, exec: 'agent' }).mode, 'agent');
  assert.equal(chooseExec(lab, guest('g'), { ...tinyImage, exec: 'ssh' }).mode, 'agent', 'the lab file wins over image.yaml');
});

test('plan: one ssh.keys action for the ssh and auto guests; key files only in their disks; exec: ssh without a reachable address is a conflict', async () => {
  const facts = emptyHost(template);
  facts.images = { tiny: tinyImage };
  const plan = await planLab(lab, facts);
  const keys = plan.actions.filter((a) => a.kind === 'ssh.keys');
  assert.equal(keys.length, 1);
  const d = keys[0]!.details;
  assert.ok(d.kind === 'ssh.keys');
  assert.deepEqual(
    d.guests.map((g) => [g.guest, g.mode, g.address, g.alias]),
    [
      ['s', 'ssh', '10.6.0.5', 'vlab-mix-s'],
      ['a', 'auto', '10.6.0.6', 'vlab-mix-a'],
    ],
  );
  assert.ok(d.guests.every((g) => g.hostKey.startsWith(`${d.dir}/`)) && d.clientKey.startsWith(`${d.dir}/`));
  const files = (g: string) => {
    const c = plan.actions.find((a) => a.id === `guest.config:${g}`)!;
    assert.ok(c.details.kind === 'guest.config');
    return { paths: c.details.files.map((f) => f.path), after: c.dependsOn };
  };
  assert.ok(files('s').paths.includes('/root/.ssh/authorized_keys') && files('s').after.includes('ssh.keys'));
  assert.ok(files('a').paths.includes('/etc/ssh/ssh_host_ed25519_key'));
  assert.ok(!files('g').paths.some((p) => p.includes('ssh')) && !files('g').after.includes('ssh.keys'), 'exec: agent gets no keys');
  const exec = plan.conflicts.filter((c) => c.kind.startsWith('exec'));
  assert.deepEqual(
    exec.map((c) => c.kind),
    ['exec-ssh-unreachable'],
  );
  assert.match(exec[0]!.message, /guest 'd': exec: ssh \(from lab file\) needs a static address/);
});
