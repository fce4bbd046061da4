/** Waits for a booted guest to answer and confirms its NICs carry the configured addresses. */
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import type { GuestExec } from '../host/guest-exec.types.js';
import { HostError } from '../errors.js';
import { compareNics, parseGuestNics, unwantedAddresses, type ExpectedNic } from './guest-addresses.js';

/**
 * Seconds a guest with `address: none` NICs is watched after its addresses first match: a DHCP
 * client started by an image default typically gets its lease a few seconds after the link is
 * up, i.e. after the static NICs are ready. Best effort: a later lease is not seen by `up`.
 */
export const NONE_SETTLE_SEC = 10;

export interface ReadyResult {
  guest: string;
  /** Seconds from the start of waiting to the first answer of the exec transport (agent or ssh). */
  agentSec: number;
  /** Which transport answered the wait: `agent`, `ssh`, or `agent or ssh` (auto). */
  transport: string;
  /** Seconds until the addresses matched. */
  readySec: number;
  addresses: string[];
}

/** The last lines of a guest's serial console log, for error messages. */
export function consoleTail(file: string, lines = 15): string {
  try {
    // Without terminal escape codes and carriage returns: this goes into an error message.
    const text = fs
      .readFileSync(file, 'utf8')
      .replace(/\x1B\[[0-9;?]*[A-Za-z]/g, '')
      .replace(/\r/g, '');
    return text
      .split('\n')
      .filter((l) => l.trim())
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no console log)';
  }
}

/**
 * Waits until the guest's agent answers and every NIC has what vlab configured (the static
 * address, a DHCP address, or for `address: none` no address: that fails at once, also during
 * NONE_SETTLE_SEC after everything first matched). Throws
 * HostError naming the NIC, the mismatch and the rendered config on failure or timeout.
 */
export async function waitReady(
  exec: GuestExec,
  guest: string,
  domain: string,
  expected: ExpectedNic[],
  opts: {
    timeoutSec: number;
    consoleLog: string;
    /** The guest's rendered config, for mismatch messages. */
    configPath?: string;
    /** MAC → the rendered file that configures that NIC, for the `address: none` message. */
    nicConfig?: Record<string, string>;
    noneSettleSec?: number;
  },
): Promise<ReadyResult> {
  const via = exec.transport?.(domain) ?? 'agent';
  const t0 = performance.now();
  const deadline = t0 + opts.timeoutSec * 1000;
  const elapsed = () => (performance.now() - t0) / 1000;
  const failure = (what: string) =>
    new HostError(
      `guest '${guest}' ${what}\n  last lines of its console (${opts.consoleLog}):\n    ${consoleTail(opts.consoleLog).split('\n').join('\n    ')}`,
      `raise --timeout (now ${opts.timeoutSec}s) on a slow host; check the image has ${via === 'agent' ? 'qemu-guest-agent' : via === 'ssh' ? 'an SSH server' : 'qemu-guest-agent or an SSH server'}; run \`vlab down\` to clean up`,
    );
  while (!(await exec.ping(domain, 3000).catch(() => false))) {
    if (performance.now() > deadline) throw failure(`did not answer through ${via === 'agent' ? 'the guest agent' : via} within ${opts.timeoutSec}s`);
    await sleep(500);
  }
  const agentSec = elapsed();
  let problems: string[] = [];
  const rendered = opts.configPath ? `\n  rendered config: ${opts.configPath} (see vlab plan --verbose)` : '';
  const settleSec = expected.some((e) => e.unconfigured) ? (opts.noneSettleSec ?? NONE_SETTLE_SEC) : 0;
  let matchedAt: number | undefined;
  for (;;) {
    const r = await exec.exec(domain, ['/bin/sh', '-c', 'ip -o link; ip -o -4 addr'], { timeoutMs: 10000 }).catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message }));
    if (r.exitCode === 0) {
      const nics = parseGuestNics(r.stdout);
      const unwanted = unwantedAddresses(nics, expected);
      if (unwanted.length) {
        const bad = expected.filter((e) => e.unconfigured && (nics.find((n) => n.mac === e.mac)?.addresses.length ?? 0) > 0);
        const files = [...new Set(bad.flatMap((e) => (opts.nicConfig?.[e.mac] ? [opts.nicConfig[e.mac]!] : [])))];
        const where = files.length ? `\n  rendered config: ${files.join('; ')} (see vlab plan --verbose)` : rendered;
        throw new HostError(
          `guest '${guest}' has an address on a NIC configured without one (address: none):\n    ${unwanted.join('\n    ')}${where}`,
          "something in the image configures the NIC besides vlab's file (a DHCP client, a catch-all profile or .network file): see docs/guest-network-stacks.md; run `vlab down` to clean up",
        );
      }
      problems = compareNics(nics, expected);
      if (!problems.length) {
        matchedAt ??= elapsed();
        // With `address: none` NICs: look again once the settle time is over, then report.
        if (elapsed() - matchedAt >= settleSec) {
          const addresses = nics.filter((n) => expected.some((e) => e.mac === n.mac)).flatMap((n) => n.addresses);
          return { guest, agentSec, transport: via, readySec: matchedAt, addresses };
        }
        await sleep(Math.min(1000, (settleSec - (elapsed() - matchedAt)) * 1000));
        continue;
      } else matchedAt = undefined;
    } else problems = [`address check failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`];
    if (performance.now() > deadline) {
      throw failure(`does not have the configured addresses after ${opts.timeoutSec}s:\n    ${problems.join('\n    ')}${rendered}`);
    }
    await sleep(1000);
  }
}
