/**
 * Runs the generated script for real with this machine's /bin/sh, pinging ONLY loopback
 * addresses (127.0.0.x). Unreachable outcomes come from a fake `ping` put first on PATH.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BugError } from '../../src/errors.js';
import { parsePingOutput, parseScriptOutput } from '../../src/verify/ping-parse.js';
import { renderPingScript } from '../../src/verify/ping-script.js';

const run = promisify(execFile);

function which(cmd: string): string | undefined {
  try {
    return execFileSync('/bin/sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const realPing = which('ping');
const busybox = which('busybox');
const work = mkdtempSync(join(tmpdir(), 'vlab-verify-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A directory holding a fake `ping` script; returns it. */
function fakePing(name: string, body: string): string {
  const dir = join(work, name);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'ping'), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, 'ping'), 0o755);
  return dir;
}

async function runScript(argv: string[], env: { path?: string; tmp?: string; shell?: string[] } = {}) {
  const tmp = env.tmp ?? mkdtempSync(join(work, 'tmp-'));
  const shell = env.shell ?? [argv[0]!, argv[1]!];
  const started = Date.now();
  const { stdout } = await run(shell[0]!, [...shell.slice(1), argv[2]!], {
    env: { PATH: env.path ? `${env.path}:${process.env.PATH}` : process.env.PATH, TMPDIR: tmp },
    timeout: 20_000,
  });
  return { stdout, ms: Date.now() - started, tmp };
}

describe('renderPingScript', () => {
  it('returns sh -c argv with one bounded ping per check', () => {
    const argv = renderPingScript(
      [
        { id: 'c0', address: '10.0.0.1', count: 2 },
        { id: 'c1', address: '1.1.1.1', count: 5 },
      ],
      { timeoutSec: 3 },
    );
    assert.deepEqual(argv.slice(0, 2), ['/bin/sh', '-c']);
    assert.equal(argv.length, 3);
    assert.match(argv[2]!, /\(ping -c 2 -W 1 -w 3 '10\.0\.0\.1' >"\$d\/c0\.out" 2>&1; echo "\$\?" >"\$d\/c0\.rc"\) &/);
    assert.match(argv[2]!, /ping -c 5 -W 1 -w 3 '1\.1\.1\.1'/);
    assert.match(argv[2]!, /\nwait\n/);
    assert.match(renderPingScript([{ id: 'c0', address: '10.0.0.1', count: 1 }], { timeoutSec: 0.2 })[2]!, /-w 1 '10\.0\.0\.1'/);
  });

  it('refuses anything that could reach the shell unquoted', () => {
    const bad = [
      { id: 'c0', address: '127.0.0.1; reboot', count: 2 },
      { id: 'c0', address: '$(reboot)', count: 2 },
      { id: 'c0', address: '127.0.0.01', count: 2 },
      { id: 'c0', address: 'localhost', count: 2 },
      { id: 'c0;reboot', address: '127.0.0.1', count: 2 },
      { id: 'c 0', address: '127.0.0.1', count: 2 },
      { id: '', address: '127.0.0.1', count: 2 },
      { id: 'c0', address: '127.0.0.1', count: 0 },
      { id: 'c0', address: '127.0.0.1', count: 1.5 },
    ];
    for (const c of bad) assert.throws(() => renderPingScript([c], { timeoutSec: 2 }), BugError, JSON.stringify(c));
    assert.throws(
      () =>
        renderPingScript(
          [
            { id: 'c0', address: '127.0.0.1', count: 1 },
            { id: 'c0', address: '127.0.0.2', count: 1 },
          ],
          { timeoutSec: 2 },
        ),
      BugError,
    );
    assert.throws(() => renderPingScript([], { timeoutSec: 0 }), BugError);
    assert.throws(() => renderPingScript([], { timeoutSec: Number.NaN }), BugError);
  });

  it('runs with no checks', async () => {
    const { stdout } = await runScript(renderPingScript([], { timeoutSec: 1 }));
    assert.equal(stdout, '');
  });

  it('pings loopback addresses concurrently with the real ping and cleans up', { skip: realPing ? false : 'no ping on this machine' }, async () => {
    const checks = [0, 1, 2, 3].map((i) => ({ id: `c${i}`, address: `127.0.0.${i + 1}`, count: 2 }));
    const { stdout, ms, tmp } = await runScript(renderPingScript(checks, { timeoutSec: 3 }));
    const blocks = parseScriptOutput(stdout);
    assert.deepEqual([...blocks.keys()], ['c0', 'c1', 'c2', 'c3']);
    for (const b of blocks.values()) {
      assert.equal(b.rc, 0, b.output);
      const ping = parsePingOutput(b.output);
      assert.equal(ping.received, 2, b.output);
      assert.ok(ping.rttMs);
    }
    // Four 2-packet pings take >= 4 s one after another; together about 1 s.
    assert.ok(ms < 3500, `took ${ms} ms: pings did not run concurrently`);
    assert.deepEqual(readdirSync(tmp), [], 'temp files left behind');
  });

  it('reports failures from a busybox-style ping (fake ping first on PATH)', { skip: realPing ? false : 'no ping on this machine' }, async () => {
    const dir = fakePing(
      'fail',
      `case "$*" in
  *127.0.0.9*) echo 'PING 127.0.0.9 (127.0.0.9): 56 data bytes'; echo 'ping: sendto: Network is unreachable' >&2; exit 1 ;;
  *127.0.0.8*) printf 'PING 127.0.0.8 (127.0.0.8): 56 data bytes\\n\\n--- 127.0.0.8 ping statistics ---\\n2 packets transmitted, 0 packets received, 100%% packet loss\\n'; exit 1 ;;
  *127.0.0.7*) printf 'no newline at the end'; exit 2 ;;
esac
exec ${realPing} "$@"`,
    );
    const checks = [
      { id: 'c0', address: '127.0.0.1', count: 1 },
      { id: 'c1', address: '127.0.0.9', count: 2 },
      { id: 'c2', address: '127.0.0.8', count: 2 },
      { id: 'c3', address: '127.0.0.7', count: 2 },
    ];
    const { stdout } = await runScript(renderPingScript(checks, { timeoutSec: 2 }), { path: dir });
    const blocks = parseScriptOutput(stdout);
    assert.equal(blocks.get('c0')!.rc, 0);
    assert.equal(parsePingOutput(blocks.get('c0')!.output).received, 1);
    assert.equal(blocks.get('c1')!.rc, 1);
    assert.deepEqual(parsePingOutput(blocks.get('c1')!.output), { sent: 0, received: 0, reason: 'no route' });
    assert.deepEqual(parsePingOutput(blocks.get('c2')!.output), { sent: 2, received: 0, reason: 'no reply' });
    assert.deepEqual(blocks.get('c3'), { rc: 2, output: 'no newline at the end' });
  });

  it('works with busybox ping and busybox sh', { skip: busybox ? false : 'no busybox on this machine' }, async () => {
    const dir = fakePing('busybox', `exec ${busybox} ping "$@"`);
    const argv = renderPingScript(
      [
        { id: 'c0', address: '127.0.0.1', count: 2 },
        { id: 'c1', address: '127.0.0.2', count: 1 },
      ],
      { timeoutSec: 2 },
    );
    for (const shell of [undefined, [busybox!, 'sh', '-c']]) {
      const { stdout, tmp } = await runScript(argv, { path: dir, ...(shell ? { shell } : {}) });
      const blocks = parseScriptOutput(stdout);
      assert.match(blocks.get('c0')!.output, /round-trip min\/avg\/max/);
      assert.deepEqual(parsePingOutput(blocks.get('c0')!.output).received, 2);
      assert.deepEqual(parsePingOutput(blocks.get('c1')!.output).received, 1);
      assert.deepEqual(readdirSync(tmp), []);
    }
  });
});
