/**
 * An in-memory Host for unit tests of apply, down and persist: links, addresses, routes, iptables
 * (tables, chains, policies), sysctl, libvirt networks and domains (owner tags, autostart),
 * overlays, seed ISOs, SSH keys, recorded disk edits and a guest agent that answers readiness with
 * the addresses each domain's plan gives it. Files vlab writes through a port (overlays, ISOs,
 * keys) are real files, so a test points the state root at a temp folder and compares it too.
 *
 * Faults on demand: `failNext()` makes the next mutating call throw, `failOn(name)` every call of
 * one method, and `crash()` makes every later call throw CrashError (the process "died").
 */
import fs from 'node:fs';
import path from 'node:path';
import { HostError } from '../../src/errors.js';
import type { Host } from '../../src/host/index.js';
import { LabExec, type LabSshKeys } from '../../src/host/lab-exec.js';
import { LocalFiles, type HostFiles } from '../../src/host/files.js';
import type { ProbeFacts } from '../../src/doctor/facts.js';
import { cleanProbe } from './probe-facts.js';
import type { IptablesTable } from '../../src/host/iptables.js';
import type { VxlanLink } from '../../src/host/iproute.js';
import type { DomainState } from '../../src/host/libvirt/index.js';
import type { AddressFact, LinkFact, RouteFact } from '../../src/plan/facts.js';

/** Thrown by every port call after crash(): what a killed process would have stopped doing. */
export class CrashError extends Error {
  constructor(what = 'crashed') {
    super(`simulated crash (${what})`);
  }
}

/** A guest's address as the agent reports it after boot. */
export interface FakeNic {
  mac: string;
  address?: string;
  prefix?: number;
}

interface LibvirtObject {
  xml: string;
  active: boolean;
  autostart: boolean;
  /** Domains: paused (suspended) while active. */
  paused?: boolean;
  /** Domains: snapshot names (libvirt refuses to undefine a domain that has any). */
  snapshots?: string[];
  /** Running domains: the tap of each NIC, in XML order (a link on the host while the domain runs). */
  taps?: string[];
}

/** The whole observable state of the fake host; `snapshot()` returns it as stable JSON. */
export interface FakeState {
  links: LinkFact[];
  addresses: AddressFact[];
  routes: RouteFact[];
  sysctl: Record<string, string>;
  iptables: { tables: string[]; chains: Record<string, string[][]>; policies: Record<string, string> };
  networks: Record<string, LibvirtObject>;
  domains: Record<string, LibvirtObject>;
}

const tagOf = (xml: string) => /<vlab:owner[^>]*\slab="([^"]*)"/.exec(xml)?.[1];
const nameOf = (xml: string) => /<name>([^<]+)<\/name>/.exec(xml)?.[1];
const macsOf = (xml: string) => [...xml.matchAll(/<mac address=["']([0-9a-f:]{17})["']/gi)].map((m) => m[1]!.toLowerCase());
/** The libvirt network of each NIC of a domain, in XML order. */
const nicNetworksOf = (xml: string) => [...xml.matchAll(/<interface\b[\s\S]*?<\/interface>/g)].map((m) => /<source network=["']([^"']+)["']/.exec(m[0])?.[1]);
const bridgeOf = (xml: string) => /<bridge name=["']([^"']+)["']/.exec(xml)?.[1];

/** A plain VM-like host: lo and eth0 (10.0.2.15/24, default via 10.0.2.2), forwarding off, empty nat/filter tables. */
export function plainState(): FakeState {
  return {
    links: [
      { name: 'lo', up: true },
      { name: 'eth0', up: true, mac: '52:54:00:aa:bb:01' },
    ],
    addresses: [
      { ifname: 'lo', cidr: '127.0.0.1/8', scope: 'host' },
      { ifname: 'eth0', cidr: '10.0.2.15/24', scope: 'global', broadcast: '10.0.2.255' },
    ],
    routes: [
      { dst: 'default', dev: 'eth0', gateway: '10.0.2.2', protocol: 'static' },
      { dst: '10.0.2.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '10.0.2.15' },
    ],
    sysctl: { 'net.ipv4.ip_forward': '0' },
    iptables: { tables: ['filter', 'nat'], chains: { 'nat/POSTROUTING': [], 'filter/FORWARD': [] }, policies: { FORWARD: 'ACCEPT' } },
    networks: {},
    domains: {},
  };
}

export class FakeHost {
  state: FakeState;
  /** Every mutating call, in order: `method arg…`. */
  readonly calls: string[] = [];
  /** Disk edits received (jobs of each `disks.edit`). */
  readonly diskEdits: unknown[][] = [];
  /** The interactive sessions (`vlab ssh`, `vlab console`) opened, in order. */
  readonly sessions: { kind: 'ssh' | 'console'; target: string; argv: string[] }[] = [];
  /** The files of each seed ISO built, by ISO path. */
  readonly seedIsoFiles = new Map<string, { path: string; content: string; mode: number }[]>();
  /** What the agent reports per MAC (set from the plan's guest.ready details). */
  readonly guestNics = new Map<string, FakeNic>();
  /** Addresses that do not answer pings (e.g. an uplink check that must fail). */
  readonly silent = new Set<string>();
  /** What the doctor's probe reads (a clean TCG host unless a test changes it). */
  probeFacts: ProbeFacts = cleanProbe();
  /** How many times the inspector was asked (a cache test counts them). */
  inspections = 0;
  private armed = false;
  private readonly failing = new Set<string>();
  private crashed = false;
  private tapSeq = 0;
  readonly host: Host;

  /**
   * @param opts.fsRoot a remote host of a multi-host lab: its files (the files port, overlays
   *   qemu-img makes) live under this folder, apart from the controller's at the same paths.
   */
  constructor(
    initial: FakeState = plainState(),
    readonly opts: { fsRoot?: string } = {},
  ) {
    this.state = structuredClone(initial);
    this.host = this.build();
  }

  /** Where a path of this host is on the test machine (under fsRoot for a remote fake). */
  at(p: string): string {
    return this.opts.fsRoot ? path.join(this.opts.fsRoot, p) : p;
  }

  /** The next mutating call throws a HostError (once). */
  failNext(): void {
    this.armed = true;
  }
  /** Every call of `method` (e.g. `libvirt.defineDomain`) throws a HostError. */
  failOn(method: string): void {
    this.failing.add(method);
  }
  /** From now on every call throws CrashError; `revive()` ends it (a new process). */
  crash(): void {
    this.crashed = true;
  }
  revive(): void {
    this.crashed = false;
    this.armed = false;
    this.failing.clear();
  }
  get isCrashed(): boolean {
    return this.crashed;
  }
  /** Simulated reboot: links, addresses and routes vlab added, rules, sysctl and running domains are gone; files and definitions stay. */
  reboot(base: FakeState): void {
    const keep = structuredClone(base);
    keep.networks = Object.fromEntries(Object.entries(this.state.networks).map(([k, v]) => [k, { ...v, active: v.autostart }]));
    keep.domains = Object.fromEntries(
      Object.entries(this.state.domains).map(([k, v]) => {
        const { taps: _gone, ...rest } = v;
        return [k, { ...rest, active: false }];
      }),
    );
    this.state = keep;
  }
  /** A domain starts: a tap per NIC, on its libvirt network's bridge (as libvirt does). */
  plugTaps(d: LibvirtObject): void {
    d.taps = nicNetworksOf(d.xml).map((net) => {
      const name = `vnet${this.tapSeq++}`;
      const bridge = net ? bridgeOf(this.state.networks[net]?.xml ?? '') : undefined;
      this.state.links.push({ name, kind: 'tun', up: true, ...(bridge ? { master: bridge } : {}) });
      return name;
    });
  }
  /** A domain stops: its taps are gone. */
  unplugTaps(d: LibvirtObject): void {
    const taps = new Set(d.taps ?? []);
    this.state.links = this.state.links.filter((l) => !taps.has(l.name));
    delete d.taps;
  }
  /** The observable state as stable JSON (for before/after equality). */
  snapshot(): string {
    const s = this.state;
    const sorted = <T>(xs: T[]) => [...xs].map((x) => JSON.stringify(x)).sort();
    return JSON.stringify(
      {
        links: sorted(s.links),
        addresses: sorted(s.addresses),
        routes: sorted(s.routes),
        sysctl: s.sysctl,
        iptables: { ...s.iptables, tables: [...s.iptables.tables].sort() },
        networks: s.networks,
        domains: s.domains,
      },
      null,
      1,
    );
  }

  /** Guards every call: crash, then targeted and one-shot faults (mutating calls only). */
  private gate(method: string, mutating: boolean, ...args: unknown[]): void {
    if (this.crashed) throw new CrashError(method);
    if (!mutating) return;
    this.calls.push([method, ...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))].join(' '));
    if (this.failing.has(method)) throw new HostError(`injected failure: ${method}`);
    if (this.armed) {
      this.armed = false;
      throw new HostError(`injected failure: ${method}`);
    }
  }

  private link(name: string): LinkFact {
    const l = this.state.links.find((x) => x.name === name);
    if (!l) throw new HostError(`Cannot find device "${name}"`);
    return l;
  }

  private chain(table: string, chain: string): string[][] {
    const key = `${table}/${chain}`;
    if (!this.state.iptables.tables.includes(table)) throw new HostError(`iptables: table ${table} does not exist`);
    return (this.state.iptables.chains[key] ??= []);
  }

  private build(): Host {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the ports below are closures over this fake
    const f = this;
    const s = () => f.state;
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    const object = (kind: 'networks' | 'domains', name: string) => {
      const o = s()[kind][name];
      if (!o) throw new HostError(`${kind === 'networks' ? 'network' : 'domain'} '${name}' not found`);
      return o;
    };
    const facts = (kind: 'networks' | 'domains') => Object.entries(s()[kind]).map(([name, o]) => ({ name, active: o.active, ...(tagOf(o.xml) ? { owner: tagOf(o.xml)! } : {}) }));
    const host: Host = {
      ip: {
        async listLinks() {
          f.gate('ip.listLinks', false);
          return structuredClone(s().links);
        },
        async listAddresses() {
          f.gate('ip.listAddresses', false);
          return structuredClone(s().addresses);
        },
        async listRoutes() {
          f.gate('ip.listRoutes', false);
          return structuredClone(s().routes);
        },
        async createBridge(name: string, alias: string) {
          f.gate('ip.createBridge', true, name, alias);
          if (s().links.some((l) => l.name === name)) throw new HostError(`RTNETLINK answers: File exists (${name})`);
          s().links.push({ name, kind: 'bridge', alias, up: false, mac: '02:00:00:00:00:01' });
        },
        async addAddress(dev: string, cidr: string) {
          f.gate('ip.addAddress', true, dev, cidr);
          f.link(dev);
          if (s().addresses.some((a) => a.ifname === dev && a.cidr === cidr)) throw new HostError('RTNETLINK answers: File exists');
          s().addresses.push({ ifname: dev, cidr, scope: 'global' });
        },
        async setUp(dev: string) {
          f.gate('ip.setUp', true, dev);
          f.link(dev).up = true;
        },
        async setMaster(dev: string, master: string | null) {
          f.gate('ip.setMaster', true, dev, String(master));
          const l = f.link(dev);
          if (master) {
            f.link(master);
            l.master = master;
          } else delete l.master;
        },
        async deleteLink(name: string) {
          f.gate('ip.deleteLink', true, name);
          f.link(name);
          s().links = s().links.filter((l) => l.name !== name);
          for (const l of s().links) if (l.master === name) delete l.master;
          s().addresses = s().addresses.filter((a) => a.ifname !== name);
          s().routes = s().routes.filter((r) => r.dev !== name);
        },
        async linkAlias(name: string) {
          f.gate('ip.linkAlias', false);
          return s().links.find((l) => l.name === name)?.alias;
        },
        async batch(lines: string[]) {
          f.gate('ip.batch', true, lines.join('; '));
          for (const line of lines) applyIpLine(s(), line);
        },
        async createVxlan(v: VxlanLink) {
          f.gate('ip.createVxlan', true, v.name, v.bridge);
          if (s().links.some((l) => l.name === v.name)) throw new HostError(`RTNETLINK answers: File exists (${v.name})`);
          f.link(v.bridge);
          s().links.push({ name: v.name, kind: 'vxlan', alias: v.alias, master: v.bridge, up: true, mac: '02:00:00:00:00:02' });
        },
        async setMac(dev: string, mac: string) {
          f.gate('ip.setMac', true, dev, mac);
          f.link(dev).mac = mac;
        },
      },
      iptables: {
        async rules(table: IptablesTable, chain: string) {
          f.gate('iptables.rules', false);
          return f.chain(table, chain).map((spec) => `-A ${chain} ${spec.join(' ')}`);
        },
        async policy(chain: string) {
          f.gate('iptables.policy', false);
          return s().iptables.policies[chain] ?? 'ACCEPT';
        },
        async exists(table: IptablesTable, chain: string, spec: string[]) {
          f.gate('iptables.exists', false);
          return f.chain(table, chain).some((r) => same(r, spec));
        },
        async append(table: IptablesTable, chain: string, spec: string[]) {
          f.gate('iptables.append', true, table, chain, spec.join(' '));
          if (!s().iptables.tables.includes(table)) s().iptables.tables.push(table);
          f.chain(table, chain).push([...spec]);
        },
        async insert(table: IptablesTable, chain: string, spec: string[]) {
          f.gate('iptables.insert', true, table, chain, spec.join(' '));
          if (!s().iptables.tables.includes(table)) s().iptables.tables.push(table);
          f.chain(table, chain).unshift([...spec]);
        },
        async delete(table: IptablesTable, chain: string, spec: string[]) {
          f.gate('iptables.delete', true, table, chain, spec.join(' '));
          const rules = f.chain(table, chain);
          const i = rules.findIndex((r) => same(r, spec));
          if (i < 0) throw new HostError('iptables: Bad rule (does a matching rule exist in that chain?)');
          rules.splice(i, 1);
        },
        async tables() {
          f.gate('iptables.tables', false);
          return [...s().iptables.tables];
        },
        async dropTableIfEmpty(table: IptablesTable) {
          f.gate('iptables.dropTableIfEmpty', true, table);
          const chains = Object.entries(s().iptables.chains).filter(([k]) => k.startsWith(`${table}/`));
          if (chains.some(([, rules]) => rules.length)) return false;
          for (const [k] of chains) delete s().iptables.chains[k];
          s().iptables.tables = s().iptables.tables.filter((t) => t !== table);
          return true;
        },
      },
      sysctl: {
        async get(key: string) {
          f.gate('sysctl.get', false);
          const v = s().sysctl[key];
          if (v === undefined) throw new HostError(`sysctl: cannot stat ${key}`);
          return v;
        },
        async set(key: string, value: string) {
          f.gate('sysctl.set', true, key, value);
          s().sysctl[key] = value;
        },
      },
      libvirt: {
        uri: 'fake:///system',
        async listNetworks() {
          f.gate('libvirt.listNetworks', false);
          return facts('networks');
        },
        async defineNetwork(xml: string) {
          f.gate('libvirt.defineNetwork', true, nameOf(xml) ?? '?');
          const name = nameOf(xml)!;
          s().networks[name] = { xml, active: s().networks[name]?.active ?? false, autostart: s().networks[name]?.autostart ?? false };
        },
        async startNetwork(name: string) {
          f.gate('libvirt.startNetwork', true, name);
          const n = object('networks', name);
          if (n.active) throw new HostError(`network '${name}' is already active`);
          n.active = true;
        },
        async destroyNetwork(name: string) {
          f.gate('libvirt.destroyNetwork', true, name);
          object('networks', name).active = false;
        },
        async undefineNetwork(name: string) {
          f.gate('libvirt.undefineNetwork', true, name);
          object('networks', name);
          delete s().networks[name];
        },
        async networkXml(name: string) {
          f.gate('libvirt.networkXml', false);
          return object('networks', name).xml;
        },
        async setNetworkAutostart(name: string, on: boolean) {
          f.gate('libvirt.setNetworkAutostart', true, name, String(on));
          object('networks', name).autostart = on;
        },
        async listDomains() {
          f.gate('libvirt.listDomains', false);
          return facts('domains');
        },
        async defineDomain(xml: string) {
          f.gate('libvirt.defineDomain', true, nameOf(xml) ?? '?');
          const name = nameOf(xml)!;
          s().domains[name] = { xml, active: s().domains[name]?.active ?? false, autostart: s().domains[name]?.autostart ?? false };
        },
        async startDomain(name: string) {
          f.gate('libvirt.startDomain', true, name);
          const d = object('domains', name);
          if (d.active) throw new HostError(`domain '${name}' is already active`);
          d.active = true;
          f.plugTaps(d);
        },
        async destroyDomain(name: string) {
          f.gate('libvirt.destroyDomain', true, name);
          const d = object('domains', name);
          if (!d.active) throw new HostError(`domain '${name}' is not running`);
          d.active = false;
          f.unplugTaps(d);
        },
        async undefineDomain(name: string) {
          f.gate('libvirt.undefineDomain', true, name);
          const d = object('domains', name);
          if (d.snapshots?.length) throw new HostError(`cannot delete inactive domain with ${d.snapshots.length} snapshots`);
          delete s().domains[name];
        },
        async domainState(name: string): Promise<DomainState> {
          f.gate('libvirt.domainState', false);
          const d = s().domains[name];
          return !d ? 'missing' : d.active ? (d.paused ? 'paused' : 'running') : 'shut off';
        },
        async domainXml(name: string) {
          f.gate('libvirt.domainXml', false);
          return object('domains', name).xml;
        },
        async setDomainAutostart(name: string, on: boolean) {
          f.gate('libvirt.setDomainAutostart', true, name, String(on));
          object('domains', name).autostart = on;
        },
        async suspendDomain(name: string) {
          f.gate('libvirt.suspendDomain', true, name);
          const d = object('domains', name);
          if (!d.active) throw new HostError(`domain '${name}' is not running`);
          d.paused = true;
        },
        async resumeDomain(name: string) {
          f.gate('libvirt.resumeDomain', true, name);
          const d = object('domains', name);
          if (!d.paused) throw new HostError(`domain '${name}' is not paused`);
          delete d.paused;
        },
        async createSnapshot(domain: string, name: string) {
          f.gate('libvirt.createSnapshot', true, domain, name);
          const d = object('domains', domain);
          if (d.snapshots?.includes(name)) throw new HostError(`domain snapshot ${name} already exists`);
          d.snapshots = [...(d.snapshots ?? []), name];
        },
        async revertSnapshot(domain: string, name: string) {
          f.gate('libvirt.revertSnapshot', true, domain, name);
          const d = object('domains', domain);
          if (!d.snapshots?.includes(name)) throw new HostError(`no domain snapshot with matching name '${name}'`);
          if (!d.active) f.plugTaps(d);
          d.active = true;
          delete d.paused;
        },
        async deleteSnapshot(domain: string, name: string) {
          f.gate('libvirt.deleteSnapshot', true, domain, name);
          const d = object('domains', domain);
          if (!d.snapshots?.includes(name)) throw new HostError(`no domain snapshot with matching name '${name}'`);
          d.snapshots = d.snapshots.filter((x) => x !== name);
          if (!d.snapshots.length) delete d.snapshots;
        },
        async listSnapshots(domain: string) {
          f.gate('libvirt.listSnapshots', false);
          return [...(object('domains', domain).snapshots ?? [])];
        },
        async setGuestTime(domain: string) {
          f.gate('libvirt.setGuestTime', true, domain);
          if (!s().domains[domain]?.active) throw new HostError(`domain ${domain} is not running`);
        },
        async domainInterfaces(domain: string) {
          f.gate('libvirt.domainInterfaces', false);
          const d = object('domains', domain);
          const nets = nicNetworksOf(d.xml);
          return macsOf(d.xml).map((mac, i) => ({ ...(d.taps?.[i] ? { tap: d.taps[i] } : {}), type: 'network', source: nets[i] ?? '?', mac }));
        },
        async agentCommand(domain: string) {
          f.gate('libvirt.agentCommand', false);
          if (!s().domains[domain]?.active) throw new HostError(`domain ${domain} is not running`);
          return {};
        },
      },
      qemuImg: {
        async info(file: string) {
          f.gate('qemuImg.info', false);
          if (!fs.existsSync(f.at(file))) throw new HostError(`qemu-img: Could not open '${file}'`);
          return { format: 'qcow2', virtualSize: 64 << 20 };
        },
        async rebaseUnsafe(file: string, backing: string) {
          f.gate('qemuImg.rebaseUnsafe', true, file, backing);
        },
        async createOverlay(base: string, overlay: string) {
          f.gate('qemuImg.createOverlay', true, overlay);
          if (fs.existsSync(f.at(overlay))) throw new HostError(`qemu-img: ${overlay} exists`);
          fs.writeFileSync(f.at(overlay), `overlay of ${base}\n`);
        },
      },
      disks: {
        async edit(jobs: { disk: string }[]) {
          f.gate('disks.edit', true, jobs.map((j) => j.disk).join(','));
          for (const j of jobs) if (!fs.existsSync(j.disk)) throw new HostError(`guest disk ${j.disk} does not exist`);
          f.diskEdits.push(JSON.parse(JSON.stringify(jobs)) as unknown[]);
          return jobs.map((j) => ({ disk: j.disk, route: 'direct' as const }));
        },
      },
      inspector: {
        async inspect(image: { disk: string }) {
          f.gate('inspector.inspect', false);
          f.inspections++;
          return {
            identity: { path: image.disk, size: 5, mtimeMs: 0, ino: 1 },
            route: { kind: 'direct', fs: 'ext4', offsetBytes: 0 },
            stack: { stack: 'ifupdown', evidence: ['/sbin/ifup'] },
          };
        },
        async copyOut(_image: { disk: string }, _route: unknown, files: { guest: string; host: string }[]) {
          f.gate('inspector.copyOut', false);
          for (const file of files) fs.writeFileSync(file.host, `fake ${file.guest}\n`);
        },
        async uncompressKernel() {
          f.gate('inspector.uncompressKernel', false);
          return false;
        },
      },
      seedIsos: {
        async build(iso: string, files: { path: string; content: string; mode: number }[]) {
          f.gate('seedIsos.build', true, iso);
          f.seedIsoFiles.set(iso, JSON.parse(JSON.stringify(files)) as { path: string; content: string; mode: number }[]);
          fs.mkdirSync(path.dirname(iso), { recursive: true });
          fs.writeFileSync(iso, 'seed iso\n');
        },
      },
      agent: {
        async exec(domain: string) {
          f.gate('agent.exec', false);
          const d = s().domains[domain];
          if (!d?.active) throw new HostError(`domain ${domain} is not running`);
          return { exitCode: 0, stdout: f.ipOutput(d.xml), stderr: '' };
        },
        async ping(domain: string) {
          f.gate('agent.ping', false);
          return !!s().domains[domain]?.active;
        },
      },
      sshKeygen: {
        async ensureKey(file: string, comment: string) {
          f.gate('sshKeygen.ensureKey', true, file);
          if (fs.existsSync(file)) return;
          fs.writeFileSync(file, `PRIVATE ${comment}\n`, { mode: 0o600 });
          fs.writeFileSync(`${file}.pub`, `ssh-ed25519 AAAAfake${Buffer.from(comment).toString('base64')} ${comment}\n`);
        },
        publicKey(file: string) {
          f.gate('sshKeygen.publicKey', false);
          return fs.readFileSync(`${file}.pub`, 'utf8').trim();
        },
      },
      processes: {
        dhcpClients() {
          f.gate('processes.dhcpClients', false);
          return [];
        },
        async stopDhcpClient(pid: number) {
          f.gate('processes.stopDhcpClient', true, String(pid));
        },
        spawnDetached(argv: string[]) {
          f.gate('processes.spawnDetached', true, argv.slice(-2).join(' '));
          return undefined;
        },
        signal() {
          f.gate('processes.signal', false);
        },
        killStrayDiskHelpers() {
          f.gate('processes.killStrayDiskHelpers', false);
          return [];
        },
        async cleanupDiskExports() {
          f.gate('processes.cleanupDiskExports', false);
          return [];
        },
        diskHelpers() {
          f.gate('processes.diskHelpers', false);
          return [];
        },
      },
      ping: {
        async answers(address: string) {
          f.gate('ping.answers', false);
          return !f.silent.has(address);
        },
      },
      files: this.opts.fsRoot ? prefixedFiles(new LocalFiles(false), this.opts.fsRoot) : new LocalFiles(false),
      probe: {
        async probe() {
          f.gate('probe.probe', false);
          return f.probeFacts;
        },
        chain: () => [{ dir: '/', mode: 0o755, uid: 0, gid: 0 }],
        freeBytes: () => f.probeFacts.stateRoot.freeBytes,
      },
      sandbox: {
        inside: false,
        start() {
          throw new Error('the fake host starts no sandbox');
        },
        async outsideUp() {
          f.gate('sandbox.outsideUp', true);
        },
        async lanUp() {
          f.gate('sandbox.lanUp', true);
        },
        async shell() {
          return 0;
        },
      },
      sshSession: {
        async open(target, argv) {
          f.gate('sshSession.open', false, target.address);
          f.sessions.push({ kind: 'ssh', target: target.alias, argv });
          return 0;
        },
      },
      console: {
        async attach(domain: string) {
          f.gate('console.attach', false, domain);
          f.sessions.push({ kind: 'console', target: domain, argv: [] });
          return 0;
        },
        readLog(file: string) {
          f.gate('console.readLog', false);
          if (!fs.existsSync(file)) throw new HostError(`no console log at ${file}`);
          return fs.readFileSync(file, 'utf8');
        },
      },
      dryRun: false,
      labExec(keys: LabSshKeys | undefined): LabExec {
        // SSH and the agent are the same fake transport: both answer when the domain runs.
        return new LabExec(host.agent, keys, host.agent);
      },
    } satisfies Host;
    return host;
  }

  /** `ip -o link; ip -o -4 addr` as a booted guest would print it for the domain's NICs. */
  private ipOutput(xml: string): string {
    const lines: string[] = ['1: lo: <LOOPBACK,UP> mtu 65536 qdisc noqueue state UNKNOWN\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00'];
    macsOf(xml).forEach((mac, i) => lines.push(`${i + 2}: eth${i}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\\    link/ether ${mac} brd ff:ff:ff:ff:ff:ff`));
    lines.push('1: lo    inet 127.0.0.1/8 scope host lo');
    macsOf(xml).forEach((mac, i) => {
      const nic = this.guestNics.get(mac);
      if (nic?.address) lines.push(`${i + 2}: eth${i}    inet ${nic.address}/${nic.prefix ?? 24} scope global eth${i}`);
    });
    return lines.join('\n') + '\n';
  }
}

/** a.b.c.d/len → its network `n.n.n.n/len`. */
function networkOf(cidr: string): string {
  const [ip, len] = cidr.split('/');
  const n = ip!.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const mask = Number(len) === 0 ? 0 : (0xffffffff << (32 - Number(len))) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((b) => (net >>> b) & 255).join('.')}/${len}`;
}
const inside = (ip: string, cidr: string) => networkOf(`${ip}/${cidr.split('/')[1]}`) === networkOf(cidr);

/**
 * Applies one `ip -batch` line (the forms an uplink move uses) to the fake state, with the
 * kernel's side effects: an address brings its subnet route (proto kernel); removing it removes
 * that route and every route whose gateway was reachable only through it.
 */
function applyIpLine(s: FakeState, line: string): void {
  const w = line.trim().split(/\s+/);
  const arg = (k: string) => (w.includes(k) ? w[w.indexOf(k) + 1] : undefined);
  if (w[0] === 'link' && w[1] === 'set') {
    const name = w[2] === 'dev' ? w[3] : w[2];
    const l = s.links.find((x) => x.name === name);
    if (!l) throw new HostError(`Cannot find device "${name}"`);
    if (w.includes('nomaster')) delete l.master;
    else if (w.includes('master')) l.master = arg('master')!;
    if (w.includes('up')) l.up = true;
    if (w.includes('down')) l.up = false;
    return;
  }
  if (w[0] === 'addr' || w[0] === 'address') {
    const cidr = w[2]!;
    const dev = arg('dev')!;
    if (!s.links.some((l) => l.name === dev)) throw new HostError(`Cannot find device "${dev}"`);
    const ip = cidr.split('/')[0]!;
    if (w[1] === 'add') {
      if (s.addresses.some((a) => a.ifname === dev && a.cidr === cidr)) throw new HostError('RTNETLINK answers: File exists');
      const scope = arg('scope') ?? 'global';
      s.addresses.push({ ifname: dev, cidr, scope, ...(arg('broadcast') ? { broadcast: arg('broadcast')! } : {}) });
      s.routes.push({ dst: networkOf(cidr), dev, protocol: 'kernel', scope: 'link', prefsrc: ip });
    } else if (w[1] === 'del') {
      if (!s.addresses.some((a) => a.ifname === dev && a.cidr === cidr)) throw new HostError('RTNETLINK answers: Cannot assign requested address');
      s.addresses = s.addresses.filter((a) => !(a.ifname === dev && a.cidr === cidr));
      s.routes = s.routes.filter((r) => !(r.dev === dev && ((r.protocol === 'kernel' && r.prefsrc === ip) || (r.gateway && inside(r.gateway, cidr)))));
    }
    return;
  }
  if (w[0] === 'route') {
    const dst = w[2]!;
    const dev = arg('dev')!;
    if (w[1] === 'add' || w[1] === 'replace') {
      const via = arg('via');
      if (via && !s.addresses.some((a) => a.ifname === dev && inside(via, a.cidr))) throw new HostError('RTNETLINK answers: Network is unreachable');
      s.routes = s.routes.filter((r) => r.dst !== dst || (w[1] === 'add' && r.dev !== dev));
      const metric = arg('metric');
      s.routes.push({
        dst,
        dev,
        ...(via ? { gateway: via } : {}),
        ...(arg('proto') ? { protocol: arg('proto')! } : {}),
        ...(arg('scope') ? { scope: arg('scope')! } : {}),
        ...(metric ? { metric: Number(metric) } : {}),
        ...(arg('src') ? { prefsrc: arg('src')! } : {}),
      });
    } else if (w[1] === 'del') s.routes = s.routes.filter((r) => !(r.dst === dst && r.dev === dev));
    return;
  }
  throw new HostError(`fake ip -batch: unsupported line '${line}'`);
}

/** The files port of a remote fake: every path under `root` on the test machine. */
function prefixedFiles(local: LocalFiles, root: string): HostFiles {
  const at = (p: string) => path.join(root, p);
  const back = (p: string) => '/' + path.relative(root, p);
  return {
    mkdirp: (d, mode) => local.mkdirp(at(d), mode),
    remove: (p) => local.remove(at(p)),
    exists: (p) => local.exists(at(p)),
    read: (p) => local.read(at(p)),
    writeAtomic: (p, c, mode) => local.writeAtomic(at(p), c, mode),
    list: (d) => local.list(at(d)).map(back),
    stat: (p) => local.stat(at(p)),
    symlink: (p, t) => local.symlink(at(p), t),
    unlink: (p) => local.unlink(at(p)),
    rmdirIfEmpty: (d) => local.rmdirIfEmpty(at(d)),
  };
}
