/**
 * iptables rules through the `iptables` command (legacy or nft backend alike). Rule specs are
 * argv arrays, never a string to split, e.g.
 * `['-s', '172.16.0.0/16', '!', '-d', '172.16.0.0/16', '-m', 'comment', '--comment', 'vlab:seed', '-j', 'MASQUERADE']`.
 * Every call passes `-w` so a concurrent firewall tool holding the xtables lock makes us wait
 * instead of fail.
 */
import { CommandError } from '../errors.js';
import type { RunFn } from './run.js';

/** Table name as iptables knows it. */
export type IptablesTable = 'filter' | 'nat' | 'mangle' | 'raw';

/** IPv4 firewall rules of the host. */
export interface Iptables {
  /** The chain's rules as `iptables -S` prints them (`-A CHAIN ...`), without the policy or `-N` line. */
  rules(table: IptablesTable, chain: string): Promise<string[]>;
  /** The policy (ACCEPT, DROP) of a built-in chain of `table` (default filter). */
  policy(chain: string, table?: IptablesTable): Promise<string>;
  /** True when a rule with exactly this spec is in the chain (`iptables -C`). */
  exists(table: IptablesTable, chain: string, spec: string[]): Promise<boolean>;
  /** Appends a rule at the end of the chain. */
  append(table: IptablesTable, chain: string, spec: string[]): Promise<void>;
  /** Inserts a rule at the top of the chain. */
  insert(table: IptablesTable, chain: string, spec: string[]): Promise<void>;
  /** Deletes one rule with exactly this spec (fails when there is none). */
  delete(table: IptablesTable, chain: string, spec: string[]): Promise<void>;
  /** Tables that exist in the kernel now (`iptables-save` headers); listing never creates one. */
  tables(): Promise<string[]>;
  /**
   * Removes `table` when it holds no rules and no user chains, so a table that only exists
   * because vlab added (and has since deleted) rules does not outlive the lab. Only possible with
   * the nf_tables backend (`nft delete table ip T`); returns whether it was removed.
   */
  dropTableIfEmpty(table: IptablesTable): Promise<boolean>;
}

/** Table names in `iptables-save` output (`*nat`, `*filter`). */
export function parseTables(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('*'))
    .map((l) => l.slice(1).trim());
}

/** True when `iptables -t T -S` output has no rules and no user-defined chains. */
export function isEmptyTable(out: string): boolean {
  return !out.split('\n').some((l) => l.startsWith('-A ') || l.startsWith('-N '));
}

/** The `-A` lines of `iptables -S CHAIN` output. */
export function parseRuleLines(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('-A '));
}

/** The policy in `iptables -S CHAIN` output (`-P CHAIN POLICY`), or undefined for user chains. */
export function parsePolicy(out: string, chain: string): string | undefined {
  for (const line of out.split('\n')) {
    const m = /^-P\s+(\S+)\s+(\S+)/.exec(line.trim());
    if (m && m[1] === chain) return m[2];
  }
  return undefined;
}

const HINT = 'is iptables installed, and are you root?';

/** Iptables through the `iptables` command. */
export class IptablesCommand implements Iptables {
  /** @param run the runner's run(), from createHost; @param binary the iptables command. */
  constructor(
    private readonly run: RunFn,
    private readonly binary = 'iptables',
  ) {}

  private base(table: IptablesTable): string[] {
    return [this.binary, '-w', '-t', table];
  }

  async rules(table: IptablesTable, chain: string): Promise<string[]> {
    const r = await this.run([...this.base(table), '-S', chain], { readOnly: true, hint: HINT });
    return parseRuleLines(r.stdout);
  }

  async policy(chain: string, table: IptablesTable = 'filter'): Promise<string> {
    const r = await this.run([...this.base(table), '-S', chain], { readOnly: true, hint: HINT });
    return parsePolicy(r.stdout, chain) ?? '-';
  }

  async exists(table: IptablesTable, chain: string, spec: string[]): Promise<boolean> {
    const r = await this.run([...this.base(table), '-C', chain, ...spec], { readOnly: true, allowFailure: true });
    if (r.exitCode === 0) return true;
    // Exit 1: no such rule (or no such chain). Anything else (2: bad arguments, 4: resource problem) is an error.
    if (r.exitCode === 1) return false;
    throw new CommandError(r.argv, r.exitCode, r.stderr, HINT);
  }

  async append(table: IptablesTable, chain: string, spec: string[]): Promise<void> {
    await this.run([...this.base(table), '-A', chain, ...spec], { hint: HINT });
  }

  async insert(table: IptablesTable, chain: string, spec: string[]): Promise<void> {
    await this.run([...this.base(table), '-I', chain, ...spec], { hint: HINT });
  }

  async delete(table: IptablesTable, chain: string, spec: string[]): Promise<void> {
    await this.run([...this.base(table), '-D', chain, ...spec], { hint: HINT });
  }

  async tables(): Promise<string[]> {
    const r = await this.run([`${this.binary}-save`], { readOnly: true, hint: HINT });
    return parseTables(r.stdout);
  }

  async dropTableIfEmpty(table: IptablesTable): Promise<boolean> {
    if (!(await this.tables()).includes(table)) return true;
    const rules = await this.run([...this.base(table), '-S'], { readOnly: true, hint: HINT });
    if (!isEmptyTable(rules.stdout)) return false;
    const version = await this.run([this.binary, '-V'], { readOnly: true });
    if (!version.stdout.includes('nf_tables')) return false;
    const r = await this.run(['nft', 'delete', 'table', 'ip', table], { allowFailure: true, hint: 'install the nftables package for the nft command' });
    return r.exitCode === 0;
  }
}
