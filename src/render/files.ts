/** A file vlab writes into a guest disk (or a seed ISO). */
export interface GuestFile {
  /** Absolute path inside the guest. */
  path: string;
  content: string;
  /** Octal mode, e.g. 0o644. */
  mode: number;
}
