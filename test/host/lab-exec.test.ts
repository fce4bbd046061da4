import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabExec, sshKeysOf, type LabSshKeys } from '../../src/host/lab-exec.js';
import type { ExecResult, GuestExec } from '../../src/host/guest-exec.types.js';
import { HostError } from '../../src/errors.js';

/** A transport that records calls; `answers` decides its ping, `fails` makes exec throw. */
function fake(name: string, state: { answers: boolean; fails?: boolean }, calls: string[]): GuestExec {
  return {
    async exec(domain, argv): Promise<ExecResult> {
      calls.push(`${name} exec ${domain} ${argv.join(' ')}`);
      if (state.fails) throw new HostError(`guest ${domain}: ssh to root@10.0.0.2 failed: Connection refused`);
      return { exitCode: 0, stdout: name, stderr: '' };
    },
    async ping(domain) {
      calls.push(`${name} ping ${domain}`);
      return state.answers;
    },
  };
}

const keys: LabSshKeys = {
  clientKey: '/s/ssh/id_ed25519',
  knownHosts: '/s/ssh/known_hosts',
  guests: [
    { guest: 'a', domain: 'vlab-l-a', mode: 'ssh', address: '10.0.0.2', hostKey: '/s/ssh/host_a_ed25519', alias: 'vlab-l-a' },
    { guest: 'b', domain: 'vlab-l-b', mode: 'auto', address: '10.0.0.3', hostKey: '/s/ssh/host_b_ed25519', alias: 'vlab-l-b' },
  ],
};

test('each guest gets its transport: ssh, auto, and agent for guests without SSH', async () => {
  const calls: string[] = [];
  const agent = { answers: true };
  const ssh = { answers: true };
  const x = new LabExec(fake('agent', agent, calls), keys, fake('ssh', ssh, calls));
  assert.deepEqual([x.mode('vlab-l-a'), x.mode('vlab-l-b'), x.mode('vlab-l-c')], ['ssh', 'auto', 'agent']);
  assert.deepEqual([x.transport('vlab-l-a'), x.transport('vlab-l-b'), x.transport('vlab-l-c')], ['ssh', 'agent or ssh', 'agent']);
  assert.equal((await x.exec('vlab-l-a', ['true'])).stdout, 'ssh');
  assert.equal((await x.exec('vlab-l-c', ['true'])).stdout, 'agent');
  assert.ok(!calls.some((c) => c.startsWith('agent') && c.includes('vlab-l-a')), 'an ssh guest never asks the agent');
});

test('auto: the agent while it answers, SSH when it does not', async () => {
  const calls: string[] = [];
  const agent = { answers: true };
  const x = new LabExec(fake('agent', agent, calls), keys, fake('ssh', { answers: true }, calls));
  assert.equal((await x.exec('vlab-l-b', ['id'])).stdout, 'agent');
  assert.equal(await x.ping('vlab-l-b'), true);
  assert.ok(!calls.includes('ssh ping vlab-l-b'));
  agent.answers = false;
  assert.equal((await x.exec('vlab-l-b', ['id'])).stdout, 'ssh');
  assert.equal(await x.ping('vlab-l-b'), true);
  assert.ok(calls.includes('ssh ping vlab-l-b'));
});

test('auto: when neither answers, the error names both', async () => {
  const x = new LabExec(fake('agent', { answers: false }, []), keys, fake('ssh', { answers: false, fails: true }, []));
  assert.equal(await x.ping('vlab-l-b'), false);
  await assert.rejects(x.exec('vlab-l-b', ['id']), /guest vlab-l-b: the guest agent does not answer, and ssh to root@10\.0\.0\.2 failed: Connection refused/);
});

test('sshKeysOf finds the ssh.keys entry of a journal', () => {
  const overlay = { details: { kind: 'disk.overlay' as const, base: '/b.qcow2', overlay: '/s/disks/a.qcow2' } };
  assert.equal(sshKeysOf([overlay]), undefined);
  const e = { details: { kind: 'ssh.keys' as const, dir: '/s/ssh', ...keys } };
  assert.equal(sshKeysOf([overlay, e])?.guests.length, 2);
});
