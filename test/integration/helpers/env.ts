/**
 * When integration tests may run: as root, inside scripts/sandbox.sh (a private network, mount
 * and PID namespace with its own libvirtd). Test-only.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Root of the repository. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const NEEDS_ROOT = 'needs root: run as root (integration tests use a private libvirtd in a namespace)';
export const NEEDS_SANDBOX = 'needs the sandbox: run `bash scripts/sandbox.sh -- node --import tsx --test test/integration/*.test.ts` as root';

/** Why an in-sandbox integration test must be skipped, or undefined when it can run. */
export function sandboxSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return NEEDS_ROOT;
  if (process.env.VLAB_SANDBOX !== '1') return NEEDS_SANDBOX;
  return undefined;
}

/** Why a test that starts the sandbox itself must be skipped, or undefined when it can run. */
export function rootSkipReason(): string | undefined {
  return process.getuid?.() === 0 ? undefined : NEEDS_ROOT;
}

export { setTimeout as sleep } from 'node:timers/promises';
