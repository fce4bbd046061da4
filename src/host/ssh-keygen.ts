/** Key pairs for vlab's ssh transport, made with OpenSSH's ssh-keygen. */
import fs from 'node:fs';
import type { RunFn } from './run.js';

export interface SshKeygen {
  /** Creates an ed25519 key pair at `file` and `file.pub` (no passphrase, mode 0600) unless both exist. */
  ensureKey(file: string, comment: string): Promise<void>;
  /** The public key line (`ssh-ed25519 AAAA... comment`) of the pair at `file`. */
  publicKey(file: string): string;
}

export class SshKeygenCommand implements SshKeygen {
  /** @param run the runner's run(), from createHost. */
  constructor(private readonly run: RunFn) {}

  async ensureKey(file: string, comment: string): Promise<void> {
    if (fs.existsSync(file) && fs.existsSync(`${file}.pub`)) return;
    // A half-made pair from a killed run: ssh-keygen would ask before overwriting.
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.pub`, { force: true });
    await this.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], {
      hint: "vlab needs OpenSSH's ssh-keygen for the ssh transport: apt-get install openssh-client",
    });
  }

  publicKey(file: string): string {
    return fs.readFileSync(`${file}.pub`, 'utf8').trim();
  }
}
