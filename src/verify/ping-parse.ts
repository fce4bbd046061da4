/**
 * Reads what the ping script printed: its per-check blocks, and each block's ping output
 * (iputils or busybox). Pure.
 */
import { BEGIN_MARK, END_MARK, ERROR_MARK } from './ping-script.js';

export interface PingStats {
  sent: number;
  received: number;
  rttMs?: { min: number; avg: number; max: number };
  /** Why nothing came back (only when received is 0): 'no reply', 'no route', 'host unreachable' or the error text. */
  reason?: string;
}

export interface ScriptBlock {
  /** ping's exit code; -1 when the script did not record one. */
  rc: number;
  output: string;
}

const STATS = /(\d+) packets transmitted, (\d+) (?:packets )?received/;
const RTT = /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/;
const NO_ROUTE = /Network is unreachable|Destination Net Unreachable/i;
const HOST_UNREACHABLE = /Destination Host Unreachable|Host is unreachable|No route to host/i;
/** Lines of a normal ping run that say nothing about an error. */
const ORDINARY = [/^PING /, /^--- .* ping statistics ---$/, STATS, RTT, /bytes from/, /^pipe \d+$/, /^\s*$/];

/** Parses one ping's output. */
export function parsePingOutput(text: string): PingStats {
  const stats = STATS.exec(text);
  const sent = stats ? Number(stats[1]) : 0;
  const received = stats ? Number(stats[2]) : 0;
  const out: PingStats = { sent, received };
  if (received > 0) {
    const rtt = RTT.exec(text);
    if (rtt) out.rttMs = { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) };
    return out;
  }
  if (NO_ROUTE.test(text)) out.reason = 'no route';
  else if (HOST_UNREACHABLE.test(text)) out.reason = 'host unreachable';
  else {
    const error = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => !ORDINARY.some((re) => re.test(l)));
    out.reason = error ? truncate(error, 200) : stats ? 'no reply' : text.trim() ? 'no ping statistics in output' : 'no output from ping';
  }
  return out;
}

/** Splits the script's stdout into its per-check blocks, by check id. A block cut short keeps what it has. */
export function parseScriptOutput(stdout: string): Map<string, ScriptBlock> {
  const blocks = new Map<string, ScriptBlock>();
  const begin = new RegExp(`^${BEGIN_MARK} ([A-Za-z0-9_-]+) rc=(-?\\d*)\\s*$`);
  let current: { id: string; rc: number; lines: string[] } | undefined;
  const flush = (): void => {
    if (!current) return;
    blocks.set(current.id, { rc: current.rc, output: current.lines.join('\n').trimEnd() });
    current = undefined;
  };
  for (const line of stdout.split(/\r?\n/)) {
    const m = begin.exec(line);
    if (m) {
      flush();
      current = { id: m[1]!, rc: m[2] === '' ? -1 : Number(m[2]), lines: [] };
    } else if (current && line.trimEnd() === `${END_MARK} ${current.id}`) {
      flush();
    } else if (current) {
      current.lines.push(line);
    }
  }
  flush();
  return blocks;
}

/** The message of an `@@vlab-error` line, when the script could not run its pings at all. */
export function scriptError(stdout: string): string | undefined {
  const m = new RegExp(`^${ERROR_MARK} (.*)$`, 'm').exec(stdout);
  return m ? m[1]!.trim() : undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
