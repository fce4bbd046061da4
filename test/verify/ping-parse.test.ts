import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePingOutput, parseScriptOutput, scriptError } from '../../src/verify/ping-parse.js';

const IPUTILS_OK = `PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.
64 bytes from 10.0.0.3: icmp_seq=1 ttl=64 time=0.412 ms
64 bytes from 10.0.0.3: icmp_seq=2 ttl=64 time=0.298 ms

--- 10.0.0.3 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 1002ms
rtt min/avg/max/mdev = 0.298/0.355/0.412/0.057 ms
`;
const IPUTILS_PARTIAL = `PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.
64 bytes from 10.0.0.3: icmp_seq=2 ttl=64 time=1.50 ms

--- 10.0.0.3 ping statistics ---
2 packets transmitted, 1 received, 50% packet loss, time 1001ms
rtt min/avg/max/mdev = 1.500/1.500/1.500/0.000 ms
`;
const IPUTILS_NO_REPLY = `PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.

--- 10.0.0.9 ping statistics ---
3 packets transmitted, 0 received, 100% packet loss, time 2040ms

`;
const IPUTILS_HOST_UNREACHABLE = `PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.
From 10.0.0.2 icmp_seq=1 Destination Host Unreachable
From 10.0.0.2 icmp_seq=2 Destination Host Unreachable

--- 10.0.0.9 ping statistics ---
2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1018ms
pipe 2
`;
const IPUTILS_NO_ROUTE = `ping: connect: Network is unreachable
`;
const IPUTILS_FILTERED = `PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.
ping: sendmsg: Operation not permitted
ping: sendmsg: Operation not permitted

--- 10.0.0.9 ping statistics ---
2 packets transmitted, 0 received, 100% packet loss, time 1010ms
`;
const BUSYBOX_OK = `PING 10.0.0.3 (10.0.0.3): 56 data bytes
64 bytes from 10.0.0.3: seq=0 ttl=64 time=0.512 ms
64 bytes from 10.0.0.3: seq=1 ttl=64 time=0.377 ms

--- 10.0.0.3 ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = 0.377/0.444/0.512 ms
`;
const BUSYBOX_NO_REPLY = `PING 10.0.0.9 (10.0.0.9): 56 data bytes

--- 10.0.0.9 ping statistics ---
2 packets transmitted, 0 packets received, 100% packet loss
`;
const BUSYBOX_NO_ROUTE = `PING 8.8.8.8 (8.8.8.8): 56 data bytes
ping: sendto: Network is unreachable
`;
const BUSYBOX_HOST_UNREACHABLE = `PING 10.0.0.9 (10.0.0.9): 56 data bytes
ping: sendto: Host is unreachable
`;

describe('parsePingOutput', () => {
  it('reads iputils statistics and round-trip times', () => {
    assert.deepEqual(parsePingOutput(IPUTILS_OK), { sent: 2, received: 2, rttMs: { min: 0.298, avg: 0.355, max: 0.412 } });
    assert.deepEqual(parsePingOutput(IPUTILS_PARTIAL), { sent: 2, received: 1, rttMs: { min: 1.5, avg: 1.5, max: 1.5 } });
  });

  it('reads busybox statistics and round-trip times', () => {
    assert.deepEqual(parsePingOutput(BUSYBOX_OK), { sent: 2, received: 2, rttMs: { min: 0.377, avg: 0.444, max: 0.512 } });
  });

  it('names why nothing came back', () => {
    assert.deepEqual(parsePingOutput(IPUTILS_NO_REPLY), { sent: 3, received: 0, reason: 'no reply' });
    assert.deepEqual(parsePingOutput(BUSYBOX_NO_REPLY), { sent: 2, received: 0, reason: 'no reply' });
    assert.deepEqual(parsePingOutput(IPUTILS_HOST_UNREACHABLE), { sent: 2, received: 0, reason: 'host unreachable' });
    assert.deepEqual(parsePingOutput(BUSYBOX_HOST_UNREACHABLE), { sent: 0, received: 0, reason: 'host unreachable' });
    assert.deepEqual(parsePingOutput(IPUTILS_NO_ROUTE), { sent: 0, received: 0, reason: 'no route' });
    assert.deepEqual(parsePingOutput(BUSYBOX_NO_ROUTE), { sent: 0, received: 0, reason: 'no route' });
  });

  it('falls back to the error text, or says there was no output', () => {
    assert.equal(parsePingOutput(IPUTILS_FILTERED).reason, 'ping: sendmsg: Operation not permitted');
    assert.equal(parsePingOutput('/bin/sh: 1: ping: not found\n').reason, '/bin/sh: 1: ping: not found');
    assert.equal(parsePingOutput('').reason, 'no output from ping');
    assert.equal(parsePingOutput('PING 10.0.0.1 (10.0.0.1): 56 data bytes\n').reason, 'no ping statistics in output');
    assert.equal(parsePingOutput('x'.repeat(500)).reason!.length, 200);
  });
});

describe('parseScriptOutput', () => {
  it('splits the blocks by id, keeping each exit code and output', () => {
    const stdout = `@@vlab-check c0 rc=0\n${IPUTILS_OK}\n@@vlab-end c0\n@@vlab-check c1 rc=1\n${BUSYBOX_NO_ROUTE.trimEnd()}\n@@vlab-end c1\n@@vlab-check c12 rc=\n\n@@vlab-end c12\n`;
    const blocks = parseScriptOutput(stdout);
    assert.deepEqual([...blocks.keys()], ['c0', 'c1', 'c12']);
    assert.deepEqual(blocks.get('c0'), { rc: 0, output: IPUTILS_OK.trimEnd() });
    assert.deepEqual(blocks.get('c1'), { rc: 1, output: BUSYBOX_NO_ROUTE.trimEnd() });
    assert.deepEqual(blocks.get('c12'), { rc: -1, output: '' });
  });

  it('keeps a block cut short and ignores text outside blocks', () => {
    const blocks = parseScriptOutput(`noise\r\n@@vlab-end c0\r\n@@vlab-check c0 rc=0\r\n${IPUTILS_OK.replace(/\n/g, '\r\n')}@@vlab-check c1 rc=2\r\nhalf`);
    assert.equal(blocks.size, 2);
    assert.equal(parsePingOutput(blocks.get('c0')!.output).received, 2);
    assert.deepEqual(blocks.get('c1'), { rc: 2, output: 'half' });
  });

  it('finds the script error line', () => {
    assert.equal(scriptError('@@vlab-error no writable temporary directory\n'), 'no writable temporary directory');
    assert.equal(scriptError('@@vlab-check c0 rc=0\n'), undefined);
  });
});
