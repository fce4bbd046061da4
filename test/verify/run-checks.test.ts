import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecResult, GuestExec } from '../../src/host/guest-exec.types.js';
import type { Lab, LabGuest } from '../../src/spec/types.js';
import type { Check } from '../../src/verify/checks.js';
import { EXEC_GRACE_MS, runChecks } from '../../src/verify/run-checks.js';

function guest(name: string): LabGuest {
  return { name, image: 'img', memory: 256, vcpus: 1, netconfig: 'auto', exec: 'auto', interfaces: [] };
}

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const LAB: Lab = {
  name: 'fake',
  file: '/labs/fake.yaml',
  dir: '/labs',
  accel: 'auto',
  networks: [],
  images: [],
  guests: NAMES.map(guest),
  verify: { external: [], checks: [] },
};

let n = 0;
function check(from: string, address: string, expect: Check['expect'] = 'reachable'): Check {
  return { id: `c${n++}`, from, to: address, target: 'address', address, expect, count: 2, origin: 'explicit' };
}

const OK = (a: string) =>
  `PING ${a} (${a}): 56 data bytes\n64 bytes from ${a}: seq=0 ttl=64 time=0.2 ms\n64 bytes from ${a}: seq=1 ttl=64 time=0.4 ms\n\n--- ${a} ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min/avg/max = 0.2/0.3/0.4 ms\n`;
const LOST = (a: string) => `PING ${a} (${a}) 56(84) bytes of data.\n\n--- ${a} ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1001ms\n`;

/**
 * A GuestExec that "runs" the ping script by reading which addresses it pings: 10.0.0.x answer,
 * anything else is lost. Per domain behaviour: 'down' agent, 'throw' exec, 'exit' non-zero, 'tmp'
 * script error, 'drop' loses the last block.
 */
class FakeExec implements GuestExec {
  calls: { domain: string; timeoutMs?: number; script: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  async ping(domain: string): Promise<boolean> {
    return domain !== 'vlab-fake-c';
  }
  async exec(domain: string, argv: string[], opts?: { timeoutMs?: number }): Promise<ExecResult> {
    this.calls.push({ domain, ...(opts?.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}), script: argv[2]! });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 30));
    this.inFlight--;
    assert.deepEqual(argv.slice(0, 2), ['/bin/sh', '-c']);
    if (domain === 'vlab-fake-d') throw new Error('guest-exec: command timed out\nmore detail');
    if (domain === 'vlab-fake-e') return { exitCode: 126, stdout: '', stderr: 'sh: permission denied\n' };
    if (domain === 'vlab-fake-f') return { exitCode: 3, stdout: '@@vlab-error no writable temporary directory\n', stderr: '' };
    const pings = [...argv[2]!.matchAll(/ping -c \d+ -W 1 -w \d+ '([\d.]+)' >"\$d\/(c\d+)\.out"/g)];
    let blocks = pings.map(
      ([, addr, id]) => `@@vlab-check ${id} rc=${addr!.startsWith('10.0.0.') ? 0 : 1}\n${addr!.startsWith('10.0.0.') ? OK(addr!) : LOST(addr!)}\n@@vlab-end ${id}\n`,
    );
    if (domain === 'vlab-fake-g') blocks = blocks.slice(0, -1);
    return { exitCode: 0, stdout: blocks.join(''), stderr: '' };
  }
}

describe('runChecks', () => {
  it('runs one exec per running guest, all guests in parallel, and keeps the order of the checks', async () => {
    const checks = [
      check('a', '10.0.0.2'),
      check('b', '10.0.0.1'),
      check('a', '192.0.2.1', 'unreachable'),
      check('a', '10.0.0.3', 'unreachable'),
      check('a', '192.0.2.2'),
      check('c', '10.0.0.1'),
      check('d', '10.0.0.1'),
      check('e', '10.0.0.1'),
      check('f', '10.0.0.1', 'unreachable'),
      check('g', '10.0.0.1'),
      check('g', '10.0.0.2'),
      check('nobody', '10.0.0.1'),
    ];
    const exec = new FakeExec();
    const states: string[] = [];
    const results = await runChecks(
      LAB,
      checks,
      {
        exec,
        domainName: (g) => `vlab-fake-${g.name}`,
        guestState: async (g) => {
          states.push(g.name);
          return g.name === 'b' ? 'shut off' : 'running';
        },
      },
      { timeoutSec: 4 },
    );

    assert.deepEqual(
      results.map((r) => r.id),
      checks.map((c) => c.id),
    );
    assert.deepEqual(exec.calls.map((c) => c.domain).sort(), ['vlab-fake-a', 'vlab-fake-d', 'vlab-fake-e', 'vlab-fake-f', 'vlab-fake-g']);
    assert.ok(exec.maxInFlight >= 2, 'guests did not run in parallel');
    assert.ok(exec.calls.every((c) => c.timeoutMs === 4000 + EXEC_GRACE_MS));
    assert.equal(exec.calls.find((c) => c.domain === 'vlab-fake-a')!.script.match(/ping -c/g)!.length, 4);
    assert.equal(states.includes('nobody'), false);

    const view = results.map((r) => [r.from, r.address, r.reachable, r.ok, r.received, r.reason ?? null]);
    assert.deepEqual(view, [
      ['a', '10.0.0.2', true, true, 2, null],
      ['b', '10.0.0.1', false, false, 0, 'guest not running'],
      ['a', '192.0.2.1', false, true, 0, 'no reply'],
      ['a', '10.0.0.3', true, false, 2, 'reachable (2/2 replies)'],
      ['a', '192.0.2.2', false, false, 0, 'no reply'],
      ['c', '10.0.0.1', false, false, 0, 'agent not answering'],
      ['d', '10.0.0.1', false, false, 0, 'exec failed: guest-exec: command timed out'],
      ['e', '10.0.0.1', false, false, 0, 'exec failed: exit 126: sh: permission denied'],
      ['f', '10.0.0.1', false, false, 0, 'exec failed: no writable temporary directory'],
      ['g', '10.0.0.1', true, true, 2, null],
      ['g', '10.0.0.2', false, false, 0, 'exec failed: no result in the guest script output'],
      ['nobody', '10.0.0.1', false, false, 0, "unknown guest 'nobody'"],
    ]);
    assert.deepEqual(results[0]!.rttMs, { min: 0.2, avg: 0.3, max: 0.4 });
    assert.equal(results[0]!.notRun, undefined);
    assert.equal(results[1]!.notRun, true);
    // A check expecting "unreachable" on a guest that is down fails too.
    assert.equal(results[8]!.ok, false);
  });

  it('treats a failing state lookup or agent ping as a failed guest, without exec', async () => {
    const exec = new FakeExec();
    exec.ping = async () => {
      throw new Error('boom');
    };
    const results = await runChecks(
      LAB,
      [check('a', '10.0.0.1'), check('b', '10.0.0.1')],
      {
        exec,
        domainName: (g) => g.name,
        guestState: async (g) => {
          if (g.name === 'b') throw new Error('virsh: failed to get domain\nx');
          return 'running';
        },
      },
      { timeoutSec: 1 },
    );
    assert.deepEqual(
      results.map((r) => r.reason),
      ['agent not answering', 'guest state unknown: virsh: failed to get domain'],
    );
    assert.equal(exec.calls.length, 0);
  });

  it('returns nothing for no checks', async () => {
    const exec = new FakeExec();
    assert.deepEqual(await runChecks(LAB, [], { exec, domainName: (g) => g.name, guestState: async () => 'running' }, { timeoutSec: 1 }), []);
    assert.equal(exec.calls.length, 0);
  });
});
