/**
 * The lab file's shape, as one zod schema. The validator, the JSON Schema for editors
 * (docs/lab-file.schema.json) and the reference (docs/lab-file.md) all come from here.
 * Cross-field rules (addresses inside networks, references, uniqueness) live in semantic.ts.
 */
import { z } from 'zod';
import { NETCONFIG_KINDS } from './types.js';

export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
export const BRIDGE_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;
export const MAC_PATTERN = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

const netconfig = z
  .enum(NETCONFIG_KINDS as [string, ...string[]])
  .describe("Guest network stack vlab writes configuration for; `auto` inspects the disk (or uses the image's default).");

export const InterfaceSchema = z
  .strictObject({
    network: z.string().describe('Key of `networks:` this NIC is attached to.'),
    address: z
      .string()
      .optional()
      .describe(
        "Static IPv4 address, bare (`172.16.0.2`) or with the network's prefix (`172.16.0.2/16`). Omit for DHCP. " +
          '`none`: the NIC is attached and named but gets no address at all (no DHCP, no static IPv4, no IPv6 link-local or router advertisements where the stack allows), overriding any default of the image that would configure it; it never carries the default route.',
      ),
    mac: z
      .string()
      .regex(MAC_PATTERN, 'must look like 52:54:00:12:34:56')
      .optional()
      .describe('MAC address. Default: derived deterministically from lab, guest and NIC index (52:54:00:xx:xx:xx).'),
  })
  .describe('One virtio NIC.');

export const NetworkSchema = z
  .strictObject({
    bridge: z
      .string()
      .regex(BRIDGE_PATTERN, 'must be 1-15 characters of A-Z a-z 0-9 _ . -')
      .optional()
      .describe('Host bridge name (at most 15 characters). Default: derived from lab and network names, unique.'),
    cidr: z.string().optional().describe('IPv4 network, e.g. `172.16.0.0/16` (host bits must be zero).'),
    gateway: z.string().optional().describe("Host address on the bridge, the guests' gateway. Default: first usable address."),
    nat: z.boolean().default(false).describe('Forwarding plus `MASQUERADE -s CIDR ! -d CIDR` for traffic leaving the network.'),
    uplink: z.string().optional().describe('Physical NIC to enslave to the bridge (bridged uplink). Cannot be combined with nat.'),
    uplink_check: z
      .string()
      .optional()
      .describe("Uplink only: an address that must answer once the NIC is on the bridge, else vlab rolls back. Default: the host's default gateway."),
    gateway_host: z
      .string()
      .optional()
      .describe(
        'Multi-host labs: the key of `hosts:` that holds the gateway address, the NAT rule and the uplink of this network (the other hosts only bridge it over VXLAN). Default: the first host.',
      ),
  })
  .describe('A host bridge and the libvirt network over it.');

/** The guest settings `defaults:` may give (each without its own default, so a guest's value, then `defaults:`, then the schema default wins). */
const guestSettings = {
  image: z.string().describe('A key of `images:`, or a path to an image folder or .qcow2 file. Required, here or in `defaults:`.'),
  memory: z.number().int().min(64).max(262144).describe('Memory in MiB (64-262144).'),
  vcpus: z.number().int().min(1).max(64).describe('Virtual CPUs (1-64).'),
  netconfig,
  exec: z
    .enum(['auto', 'agent', 'ssh'])
    .describe(
      "How vlab runs commands in the guest (`vlab exec`, `verify`, the address check of `up`): `agent` = the qemu guest agent; `ssh` = SSH as root over the lab network with a key vlab makes per lab (needs an SSH server in the image and a static address on a network with cidr); `auto` = the agent when it answers, else SSH. Default: the image's `exec:`, else auto.",
    ),
  boot: z
    .enum(['firmware', 'kernel'])
    .describe(
      "`firmware`: the BIOS boots the disk's own bootloader. `kernel`: direct kernel boot with the kernel, initrd and command line (its `root=`) vlab reads from the image's /boot and grub.cfg once and keeps in its image cache; for disk-only images, it skips the bootloader. An image.yaml `kernel:` always wins. Default: the image's `boot:`, else firmware.",
    ),
  host: z.string().describe('Multi-host labs: the key of `hosts:` this guest runs on. Default: the first host.'),
  template: z
    .string()
    .describe("Domain XML template file, relative to the lab file and inside the lab file's folder; read and checked by `vlab validate`. Default: templates/domain.xml."),
};

export const GuestSchema = z
  .strictObject({
    image: guestSettings.image.optional(),
    memory: guestSettings.memory.default(512),
    vcpus: guestSettings.vcpus.default(1),
    netconfig: guestSettings.netconfig.default('auto'),
    exec: guestSettings.exec.default('auto'),
    boot: guestSettings.boot.optional(),
    host: guestSettings.host.optional(),
    template: guestSettings.template.optional(),
    interfaces: z.array(InterfaceSchema).min(1).max(8).describe('NICs in order: the first is eth0.'),
  })
  .describe('A virtual machine.');

/** Keys `defaults:` may hold: every guest setting but its interfaces. */
export const DEFAULTABLE_KEYS = Object.keys(guestSettings) as (keyof typeof guestSettings)[];

export const DefaultsSchema = z
  .strictObject(
    Object.fromEntries(DEFAULTABLE_KEYS.map((k) => [k, guestSettings[k].optional()])) as { [K in keyof typeof guestSettings]: z.ZodOptional<(typeof guestSettings)[K]> },
  )
  .describe("Settings every guest gets unless it sets its own (a guest's value wins, key by key).");

export const CheckSchema = z
  .strictObject({
    from: z.string().describe('Guest the ping runs in.'),
    to: z.string().describe('A guest name, an IPv4 address, `gateway` or `external`.'),
    expect: z.enum(['reachable', 'unreachable']).default('reachable').describe('Whether the ping must get replies (`reachable`) or must not (`unreachable`).'),
    count: z.number().int().min(1).max(20).optional().describe('Pings to send (default 2).'),
  })
  .describe('An explicit connectivity check.');

export const SshTargetSchema = z
  .strictObject({
    host: z.string().describe('Address or name sshd listens on.'),
    user: z.string().optional().describe('Login (default: root; vlab changes bridges, rules and libvirt there).'),
    port: z.number().int().min(1).max(65535).optional().describe('Port (default 22).'),
    identity: z.string().optional().describe("Private key file, relative to the lab file (default: ssh's own)."),
    known_hosts: z
      .string()
      .optional()
      .describe("A known_hosts file that pins the host's key, relative to the lab file (default: ssh's own). vlab never accepts an unknown host key."),
  })
  .describe('How vlab reaches the host over SSH (every command it runs there goes through this).');

export const HostSchema = z
  .union([
    z.literal('local').describe('This machine.'),
    z.strictObject({
      local: z.literal(true).optional().describe('This machine (give `underlay:` with it when a network spans hosts).'),
      uri: z
        .string()
        .optional()
        .describe('libvirt URI of the host, `qemu+ssh://[user@]host[:port]/system[?keyfile=PATH]`; the SSH target is taken from it unless `ssh:` is given.'),
      ssh: SshTargetSchema.optional(),
      underlay: z.string().optional().describe("This host's IPv4 address on the network between the hosts: the VXLAN endpoint. Default: the SSH host, when it is an IPv4 address."),
    }),
  ])
  .describe('A hypervisor the lab places guests on: `local`, or a remote host reached over SSH.');

export const LabFileSchema = z
  .strictObject({
    name: z.string().regex(NAME_PATTERN, 'is not a valid lab name').describe('Lab name: ^[a-z][a-z0-9-]{0,15}$. Prefixes everything vlab creates.'),
    accel: z.enum(['auto', 'kvm', 'tcg']).default('auto').describe('`auto` uses KVM where it works, else TCG (software emulation).'),
    networks: z.record(z.string(), NetworkSchema).describe('Networks by name.'),
    images: z.record(z.string(), z.string()).default({}).describe('Images by name: a folder holding image.yaml, or a .qcow2 path; relative to the lab file.'),
    defaults: DefaultsSchema.optional(),
    hosts: z
      .record(z.string(), HostSchema)
      .optional()
      .describe('Multi-host labs (docs/multi-host.md): the hypervisors, in order (the first is the default of `host:` and `gateway_host:`). Absent: one host, this machine.'),
    vxlan: z
      .strictObject({
        dstport: z.number().int().min(1).max(65535).default(4789).describe('UDP port of the VXLAN tunnels between hosts (IANA: 4789).'),
        mtu: z
          .number()
          .int()
          .min(576)
          .max(9000)
          .default(1450)
          .describe("MTU of the guests' NICs on networks that span hosts: the underlay's MTU minus VXLAN's 50 bytes (1450 under a 1500 underlay)."),
      })
      .optional()
      .describe('How networks that span hosts are stretched (multi-host labs).'),
    guests: z.record(z.string(), GuestSchema).describe('Guests by name.'),
    verify: z
      .strictObject({
        external: z.array(z.string()).default([]).describe('Outside targets: reachable from NAT networks, unreachable from isolated ones.'),
        checks: z.array(CheckSchema).default([]).describe('Explicit checks in addition to the derived ones.'),
      })
      .default({ external: [], checks: [] })
      .describe('What `vlab verify` checks.'),
    test: z
      .strictObject({
        outside: z
          .array(z.string())
          .optional()
          .describe(
            "IPv4 addresses the simulated outside world holds inside the `vlab test` sandbox (reached only through the lab host's NAT; never a real address). Default: `verify.external`.",
          ),
        lan: z
          .enum(['dhcp', 'none'])
          .optional()
          .describe("`dhcp`: the sandbox gives a bridged uplink's NIC a simulated LAN with a DHCP server. Default: `dhcp` when a network has `uplink:`, else `none`."),
      })
      .optional()
      .describe('How `vlab test` simulates the world around the lab in its sandbox.'),
  })
  .describe('A vlab lab file.');

export type LabFile = z.output<typeof LabFileSchema>;

/** Extension keys (`x-anything:`, e.g. a place for YAML anchors) are allowed in every mapping of fixed keys and ignored. */
export const EXTENSION_KEY = /^x-/;

/** The JSON Schema (draft 2020-12) editors use for completion and checks; `x-` keys are allowed wherever keys are fixed. */
export function labFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(LabFileSchema, {
    io: 'input',
    override: (ctx) => {
      const js = ctx.jsonSchema as Record<string, unknown>;
      if (js.type === 'object' && js.additionalProperties === false) js.patternProperties = { [EXTENSION_KEY.source]: {} };
    },
  }) as Record<string, unknown>;
}
