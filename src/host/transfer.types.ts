/** Copies files from this machine to a remote host of a multi-host lab (over the host's SSH connection). */
export interface FileTransfer {
  /**
   * Copies a file of this machine to `remotePath` on the host: streamed to a temporary file beside
   * it, renamed into place only when the sha256 sums of both sides agree (else a HostError naming
   * both). Returns the sum. Skipped in dry-run.
   */
  push(localPath: string, remotePath: string, mode: number): Promise<string>;
  /** The sha256 of a file on the host; undefined when it is missing. */
  sha256(remotePath: string): Promise<string | undefined>;
  /** The sha256 of a file on this machine. */
  localSha256(localPath: string): Promise<string>;
}
