/**
 * `vlab console`: a guest's serial console. attach() runs `virsh console` on vlab's terminal (the
 * runner's interactive(): traced, skipped in dry-run); readLog() reads the console log file that
 * libvirt writes for every vlab guest (the domain's serial log, src/plan/paths.ts consoleLogPath).
 */
import fs from 'node:fs';
import { HostError } from '../errors.js';
import type { InteractiveFn } from './run.js';

export interface GuestConsoles {
  /** Attaches to the domain's serial console until the user leaves (Ctrl+]); resolves to virsh's exit code. */
  attach(domain: string): Promise<number>;
  /** The console log's text; a HostError naming the file when it is missing or unreadable. */
  readLog(file: string): string;
}

export class VirshConsoles implements GuestConsoles {
  constructor(
    private readonly interactive: InteractiveFn,
    private readonly uri: string,
  ) {}

  attach(domain: string): Promise<number> {
    return this.interactive(['virsh', '-c', this.uri, 'console', domain]);
  }

  readLog(file: string): string {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new HostError(
        code === 'ENOENT' ? `no console log at ${file}` : `cannot read the console log ${file}: ${code ?? (e as Error).message}`,
        code === 'ENOENT' ? 'the guest has not been started since `vlab up` made it: `vlab status` shows it' : 'read it as root',
      );
    }
  }
}
