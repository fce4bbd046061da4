/**
 * `vlab ssh`: an SSH session to a guest on vlab's own terminal (a shell, or one command), with the
 * lab's key and the guest's pinned host key (the same options as the exec transport,
 * src/host/ssh-exec.ts). The command runs through the runner's interactive(): traced, skipped in
 * dry-run, never captured.
 */
import type { InteractiveFn } from './run.js';
import { sshSessionArgv, type SshTarget } from './ssh-exec.js';

export interface SshSessions {
  /** Runs ssh attached to the terminal; resolves to its exit code (the remote command's, or 255 when ssh itself failed). */
  open(target: SshTarget, argv: string[]): Promise<number>;
}

export class SshSessionCommand implements SshSessions {
  constructor(private readonly interactive: InteractiveFn) {}

  open(target: SshTarget, argv: string[]): Promise<number> {
    return this.interactive(sshSessionArgv(target, argv));
  }
}
