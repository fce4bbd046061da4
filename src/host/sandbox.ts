/**
 * The sandbox port (`vlab test`): starts a command inside a throw-away sandbox — the product's
 * sandbox/sandbox.sh: private network, mount and PID namespaces with their own libvirtd; every
 * process inside dies with it, qemu included, even when vlab is SIGKILLed — and, from inside one,
 * builds the simulated outside world (sandbox/sandbox-lib.sh) and opens a debugging shell.
 */
import { fileURLToPath } from 'node:url';
import type { AttachedProcess, RunFn, Runner } from './run.js';

/** The product's sandbox script and its helper library (shipped in the package's sandbox/). */
export const SANDBOX_SCRIPT = fileURLToPath(new URL('../../sandbox/sandbox.sh', import.meta.url));
export const SANDBOX_LIB = fileURLToPath(new URL('../../sandbox/sandbox-lib.sh', import.meta.url));

export interface Sandbox {
  /** True when this process runs inside a sandbox (VLAB_SANDBOX=1). */
  readonly inside: boolean;
  /** Starts argv in a fresh sandbox, attached to this terminal (stdin and stderr), its stdout captured. */
  start(argv: string[]): AttachedProcess;
  /** Inside: a namespace playing the outside world that holds `targets` (reached only through the lab's NAT). */
  outsideUp(targets: string[]): Promise<void>;
  /** Inside: a LAN namespace behind `ifname` (the uplink NIC a lab bridges) with a DHCP server; `ifname` gets a lease. */
  lanUp(ifname: string): Promise<void>;
  /** Inside: an interactive shell on this terminal (its stdout is the terminal's stderr); resolves with its exit code. */
  shell(env: Record<string, string>): Promise<number>;
}

export class ScriptSandbox implements Sandbox {
  constructor(
    private readonly runner: Pick<Runner, 'startAttached'>,
    private readonly run: RunFn,
    readonly inside = process.env.VLAB_SANDBOX === '1',
  ) {}

  start(argv: string[]): AttachedProcess {
    // --pdeathsig: the script dies with vlab even when vlab is SIGKILLed; the script's own
    // setpriv/unshare chain then takes the whole sandbox down with it (qemu included).
    return this.runner.startAttached(['setpriv', '--pdeathsig', 'KILL', '--', 'bash', SANDBOX_SCRIPT, '--', ...argv]);
  }

  private async lib(fn: string, args: string[]): Promise<void> {
    await this.run(['bash', '-c', `source "$1" && shift && ${fn} "$@"`, 'sandbox-lib', SANDBOX_LIB, ...args], { hint: `the sandbox's ${fn} failed` });
  }

  async outsideUp(targets: string[]): Promise<void> {
    // The veth's far end is 198.18.0.254 (never a target): the namespace holds exactly the targets besides it.
    await this.lib('sandbox_outside_up', ['outside', '198.18.0.1/24', '198.18.0.254/24', ...targets]);
  }

  async lanUp(ifname: string): Promise<void> {
    await this.lib('sandbox_lan_up', ['lan', ifname]);
  }

  async shell(env: Record<string, string>): Promise<number> {
    const p = this.runner.startAttached(['bash', '-c', 'exec bash -i >&2', 'vlab-test-shell'], { env });
    return (await p.done).exitCode;
  }
}
