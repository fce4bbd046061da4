/**
 * Multi-host labs: a guest's files, configured on this machine, onto the host it runs on. The
 * base image and the kernel files go once per content into the host's image cache (the sha256 is
 * kept beside each copy); the configured layer and a seed ISO go at the same paths in the lab's
 * state dir, checksums compared; the layer is then rebased
 * onto the host's copy of the base (the running disk is made over it by `disk.top`).
 */
import path from 'node:path';
import type { Host } from '../host/index.js';
import type { ActionDetails } from '../plan/types.js';
import { BugError } from '../errors.js';

type DiskCopy = Extract<ActionDetails, { kind: 'disk.copy' }>;

export async function copyGuestFiles(controller: Host, host: Host, d: DiskCopy): Promise<void> {
  const t = host.transfer;
  if (!t) throw new BugError(`disk.copy of ${d.guest} on a host without a file transfer (this machine?)`);
  if (host.dryRun) return;
  // Image files go into the host's image cache once per content (the sum kept beside each copy).
  for (const c of [d.base, ...(d.boot ?? [])]) {
    const sidecar = `${c.to}.sha256`;
    const want = await t.localSha256(c.from);
    const have = host.files.exists(c.to) && host.files.exists(sidecar) ? host.files.read(sidecar).trim() : undefined;
    if (have === want) continue;
    host.files.mkdirp(path.dirname(c.to), 0o755);
    await t.push(c.from, c.to, 0o644);
    host.files.writeAtomic(sidecar, want + '\n', 0o644);
  }
  for (const f of d.files) {
    if (!controller.files.exists(f)) throw new BugError(`${f} was not made on this machine before its copy to the guest's host`);
    host.files.mkdirp(path.dirname(f), 0o711);
    await t.push(f, f, 0o644);
  }
  await host.qemuImg.rebaseUnsafe(d.layer, d.base.to);
}
