/** Result of one command run inside a guest. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs commands inside a guest. Two transports implement it: the qemu guest agent through
 * libvirt, and SSH over the lab network.
 */
export interface GuestExec {
  /** Runs argv (no shell unless argv[0] is one) in the guest and waits for it, up to timeoutMs. */
  exec(domain: string, argv: string[], opts?: { timeoutMs?: number; stdin?: string }): Promise<ExecResult>;
  /** True when the transport answers for this domain right now (agent ping / SSH handshake). */
  ping(domain: string, timeoutMs?: number): Promise<boolean>;
  /** Name of the transport(s) used for this domain, for messages: `agent`, `ssh`, `agent or ssh`. */
  transport?(domain: string): string;
}
