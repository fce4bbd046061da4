/** Kernel parameters through the `sysctl` command. */
import type { RunFn } from './run.js';

/** Kernel parameters (/proc/sys) of the host. */
export interface Sysctl {
  /** The current value of `key` (e.g. `net.ipv4.ip_forward`), trimmed. */
  get(key: string): Promise<string>;
  /** Sets `key` to `value` for the running kernel (not persisted across reboots). */
  set(key: string, value: string): Promise<void>;
}

/** Sysctl through the `sysctl` command. */
export class SysctlCommand implements Sysctl {
  /** @param run the runner's run(), from createHost. */
  constructor(private readonly run: RunFn) {}

  async get(key: string): Promise<string> {
    const r = await this.run(['sysctl', '-n', key], { readOnly: true });
    return r.stdout.trim();
  }

  async set(key: string, value: string): Promise<void> {
    await this.run(['sysctl', '-q', '-w', `${key}=${value}`]);
  }
}
