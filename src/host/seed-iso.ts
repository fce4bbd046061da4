/** Builds cloud-init NoCloud seed ISOs (volume label `cidata`) with xorriso. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GuestFile } from '../render/files.js';
import type { RunFn } from './run.js';
import { HostError } from '../errors.js';

export interface SeedIsos {
  /** Writes an ISO 9660 image (Joliet + Rock Ridge) at `iso` holding `files` at its root. */
  build(iso: string, files: GuestFile[], label: string): Promise<void>;
}

export class XorrisoSeedIsos implements SeedIsos {
  /** @param run the runner's run(), from createHost. */
  constructor(private readonly run: RunFn) {}

  async build(iso: string, files: GuestFile[], label: string): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-seed-'));
    try {
      for (const f of files) {
        const rel = f.path.replace(/^\/+/, '');
        if (!rel || rel.includes('..')) throw new HostError(`seed ISO file ${f.path}: not a plain path`);
        fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), f.content, { mode: f.mode });
      }
      fs.mkdirSync(path.dirname(iso), { recursive: true, mode: 0o711 });
      await this.run(['xorriso', '-as', 'mkisofs', '-quiet', '-output', iso, '-volid', label, '-joliet', '-rock', dir], {
        hint: 'install xorriso (Debian: apt-get install xorriso)',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
