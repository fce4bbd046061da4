import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentExec, execResult, guestExecCommand } from '../../src/host/agent-exec.js';
import { HostError } from '../../src/errors.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('guestExecCommand follows the qemu-ga schema (path, arg, capture-output, input-data)', () => {
  assert.deepEqual(guestExecCommand(['/bin/sh', '-c', 'ip -o link']), { execute: 'guest-exec', arguments: { path: '/bin/sh', arg: ['-c', 'ip -o link'], 'capture-output': true } });
  assert.equal(guestExecCommand(['/bin/cat'], 'hi').arguments['input-data'], b64('hi'));
  assert.throws(() => guestExecCommand([]), /empty command/);
});

test('execResult decodes output; signals become 128+N', () => {
  assert.deepEqual(execResult({ exited: true, exitcode: 0, 'out-data': b64('eth0\n') }), { exitCode: 0, stdout: 'eth0\n', stderr: '' });
  assert.equal(execResult({ exited: true, signal: 9 }).exitCode, 137);
  assert.match(execResult({ exited: true, exitcode: 0, 'out-truncated': true }).stderr, /truncated/);
});

test('AgentExec polls guest-exec-status until exited', async () => {
  const calls: string[] = [];
  let polls = 0;
  const fake = {
    async agentCommand(domain: string, command: object): Promise<unknown> {
      const c = command as { execute: string; arguments?: { pid?: number } };
      calls.push(`${domain} ${c.execute}`);
      if (c.execute === 'guest-exec') return { pid: 42 };
      if (c.execute === 'guest-exec-status') {
        assert.equal(c.arguments?.pid, 42);
        return ++polls < 3 ? { exited: false } : { exited: true, exitcode: 3, 'out-data': b64('out'), 'err-data': b64('err') };
      }
      return {};
    },
  };
  const r = await new AgentExec(fake).exec('g1', ['/bin/false']);
  assert.deepEqual(r, { exitCode: 3, stdout: 'out', stderr: 'err' });
  assert.deepEqual(calls, ['g1 guest-exec', 'g1 guest-exec-status', 'g1 guest-exec-status', 'g1 guest-exec-status']);
});

test('AgentExec: timeout while the command runs; ping is false when the agent does not answer', async () => {
  const slow = { agentCommand: async (_d: string, c: object) => ((c as { execute: string }).execute === 'guest-exec' ? { pid: 1 } : { exited: false }) };
  await assert.rejects(new AgentExec(slow).exec('g', ['/bin/sleep', '100'], { timeoutMs: 100 }), /still running after 100 ms/);
  const dead = {
    agentCommand: async () => {
      throw new HostError('guest g: qemu guest agent not answering');
    },
  };
  assert.equal(await new AgentExec(dead).ping('g', 1000), false);
  const ok = { agentCommand: async () => ({}) };
  assert.equal(await new AgentExec(ok).ping('g'), true);
});
