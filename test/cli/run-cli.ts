/**
 * Test-only: runs the real CLI (bin/vlab.js) in a throw-away world: its own state root, cache and
 * working folder, libvirt's test driver as the URI, no colours. The commands these tests run fail
 * (or only read) before any host adapter would change anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const BIN = fileURLToPath(new URL('../../bin/vlab.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Newest modification time under dir. */
function newest(dir: string): number {
  let max = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

let built: Promise<void> | undefined;
/**
 * These tests start the CLI a hundred times: bin/vlab.js runs dist/ when it is as new as src/
 * (a start in a fifth of the time of the TypeScript sources through tsx), so build it once first
 * when it is stale (`npm run build`, the same as npm's prepare).
 */
function ensureBuilt(): Promise<void> {
  built ??= (async () => {
    const stamp = path.join(ROOT, 'dist', '.build-stamp');
    if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
    await execa('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
    fs.writeFileSync(stamp, '');
  })();
  return built;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface World {
  dir: string;
  /** VLAB_STATE_DIR. */
  root: string;
  run(args: string[], opts?: { env?: Record<string, string>; input?: string }): Promise<CliResult>;
  done(): void;
}

export function world(prefix = 'vlab-cli-'): World {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const root = path.join(dir, 'state');
  fs.mkdirSync(root);
  return {
    dir,
    root,
    async run(args, opts = {}) {
      await ensureBuilt();
      const r = await execa('node', [BIN, ...args], {
        cwd: dir,
        reject: false,
        timeout: 60_000,
        ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
        env: { VLAB_STATE_DIR: root, VLAB_CACHE_DIR: path.join(dir, 'cache'), LIBVIRT_DEFAULT_URI: 'test:///default', NO_COLOR: '1', ...opts.env },
      });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    done: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `jobs` at most `n` at a time, in order of the results. */
export async function limited<T>(jobs: (() => Promise<T>)[], n = 4): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}
