/**
 * Generates the lab file reference from the one zod schema (src/spec/schema.ts):
 *   docs/lab-file.schema.json  JSON Schema for editors (from labFileJsonSchema())
 *   docs/lab-file.md           the reference: every key with type, default, allowed values and
 *                              description, the cross-field rules, image.yaml, the seed example
 * Run with `npm run docs:gen`. test/docs/docs-fresh.test.ts fails when the committed files differ
 * from what this renders, so edit the schema (or the text below), never the generated files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabFileSchema, labFileJsonSchema } from '../src/spec/schema.js';
import { CLI_PATH, renderCliReference } from './gen-cli-docs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const SCHEMA_PATH = 'docs/lab-file.schema.json';
export const REFERENCE_PATH = 'docs/lab-file.md';

// ---------------------------------------------------------------------------------------------
// Walking the zod schema. zod 4 keeps the structure in `schema.def` (the same view
// src/spec/zod-problems.ts uses) and descriptions in `schema.description`.

interface Check {
  check: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: RegExp;
}
interface Def {
  type: string;
  shape?: Record<string, Zod>;
  innerType?: Zod;
  valueType?: Zod;
  element?: Zod;
  entries?: Record<string, string>;
  defaultValue?: unknown;
  checks?: { _zod: { def: Check } }[];
}
interface Zod {
  def: Def;
  description?: string;
}

/** One key of an object in the reference. */
export interface KeyDoc {
  key: string;
  type: string;
  /** `required`, `optional`, or `default: …`. */
  presence: string;
  allowed: string;
  description: string;
}

/** One object of the lab file (top level, a network, a guest, ...): a section of the reference. */
export interface SectionDoc {
  /** Where the object sits, e.g. `guests.<name>.interfaces[]`; empty for the top level. */
  path: string;
  description: string;
  keys: KeyDoc[];
}

const code = (s: string) => '`' + s + '`';

/** A default value as it would be written in the lab file (YAML flow style). */
function yamlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(yamlValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => `${k}: ${yamlValue(x)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(v);
}

function checksOf(z: Zod): Check[] {
  return (z.def.checks ?? []).map((c) => c._zod.def);
}

/** Peels optional/default wrappers: the inner schema, presence, and the first description met. */
function unwrap(z: Zod): { inner: Zod; presence: string; description: string } {
  let presence = 'required';
  let description = z.description ?? '';
  let cur = z;
  for (;;) {
    if (cur.def.type === 'default' && cur.def.innerType) {
      presence = `default: ${code(yamlValue(cur.def.defaultValue))}`;
    } else if (cur.def.type === 'optional' && cur.def.innerType) {
      if (presence === 'required') presence = 'optional';
    } else break;
    cur = cur.def.innerType;
    if (!description && cur.description) description = cur.description;
  }
  return { inner: cur, presence, description };
}

/** A short name for an object schema reached at `path`, used to link to its section. */
function sectionLink(path: string): string {
  return `[${code(path)}](#${anchor(path)})`;
}

/** GitHub-style heading anchor of a section heading `` `path` ``. */
export function anchor(path: string): string {
  return path
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

function range(lo: number | undefined, hi: number | undefined, unit = ''): string {
  if (lo !== undefined && hi !== undefined) return `${lo}–${hi}${unit}`;
  if (lo !== undefined) return `at least ${lo}${unit}`;
  if (hi !== undefined) return `at most ${hi}${unit}`;
  return '';
}

type Queued = { path: string; schema: Zod; description: string };

/** Type and allowed values of an unwrapped schema; object schemas found below are queued as sections. */
function describeType(z: Zod, path: string, queue: Queued[], description = ''): { type: string; allowed: string } {
  const d = z.def;
  switch (d.type) {
    case 'string': {
      const re = checksOf(z).find((c) => c.format === 'regex' && c.pattern);
      return { type: 'string', allowed: re ? `matches ${code(re.pattern!.source)}` : '' };
    }
    case 'number': {
      const cs = checksOf(z);
      const int = cs.some((c) => c.format === 'safeint' || c.format === 'int32');
      const lo = cs.find((c) => c.check === 'greater_than')?.value;
      const hi = cs.find((c) => c.check === 'less_than')?.value;
      return { type: int ? 'integer' : 'number', allowed: range(lo, hi) };
    }
    case 'boolean':
      return { type: 'boolean', allowed: '`true`, `false`' };
    case 'enum':
      return {
        type: 'string',
        allowed: Object.values(d.entries ?? {})
          .map(code)
          .join(', '),
      };
    case 'object':
      queue.push({ path, schema: z, description: z.description ?? description });
      return { type: `mapping, see ${sectionLink(path)}`, allowed: '' };
    case 'record': {
      const value = unwrap(d.valueType!);
      const child = describeType(value.inner, `${path}.<name>`, queue, value.description);
      return { type: `mapping of name → ${child.type}`, allowed: child.allowed ? `values: ${child.allowed}` : '' };
    }
    case 'array': {
      const cs = checksOf(z);
      const items = range(cs.find((c) => c.check === 'min_length')?.minimum, cs.find((c) => c.check === 'max_length')?.maximum, ' items');
      const element = unwrap(d.element!);
      const child = describeType(element.inner, `${path}[]`, queue, element.description);
      const of = element.inner.def.type === 'string' ? 'strings' : child.type;
      return { type: `list of ${of}`, allowed: [items, child.allowed].filter(Boolean).join('; ') };
    }
    default:
      return { type: d.type, allowed: '' };
  }
}

/** Every object of the lab file, top level first, in schema order (depth first). */
export function schemaSections(): SectionDoc[] {
  const out: SectionDoc[] = [];
  const root = LabFileSchema as unknown as Zod;
  const queue: Queued[] = [{ path: '', schema: root, description: root.description ?? '' }];
  while (queue.length) {
    const { path, schema: obj, description: objDescription } = queue.shift()!;
    const below: Queued[] = [];
    const keys: KeyDoc[] = Object.entries(obj.def.shape ?? {}).map(([key, schema]) => {
      const { inner, presence, description } = unwrap(schema);
      const { type, allowed } = describeType(inner, path ? `${path}.${key}` : key, below, description);
      return { key, type, presence, allowed, description };
    });
    out.push({ path, description: objDescription, keys });
    queue.unshift(...below);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hand-written parts. The cross-field rules mirror src/spec/semantic.ts (keep them in step when a
// rule changes there); image.yaml is read by the image resolver (src/host).

/** The rules zod cannot express, checked by src/spec/semantic.ts after the schema. */
export const CROSS_FIELD_RULES: { topic: string; rules: string[] }[] = [
  {
    topic: 'Names',
    rules: [
      'The lab name and every network, guest and image name match `^[a-z][a-z0-9-]{0,15}$`: 1–16 characters, a lower-case letter first, then lower-case letters, digits or `-`.',
    ],
  },
  {
    topic: 'Networks',
    rules: [
      'A network needs a `cidr` (a routed or isolated network) or an `uplink` (a bridged one), or both.',
      '`cidr` is an IPv4 network written `address/prefix`, with a prefix from /8 to /30 and the host bits zero (`172.16.0.0/16`, not `172.16.0.1/16`).',
      'The networks of a lab must not overlap each other.',
      '`gateway` needs a `cidr`; it must lie inside it and be neither its network nor its broadcast address. Without `gateway:` a network with a `cidr` and no `uplink` uses the first usable address (`172.16.0.1` for `172.16.0.0/16`); an uplink network gets no default gateway.',
      '`nat` needs a `cidr` (there is nothing to masquerade otherwise) and cannot be combined with `uplink` (bridged guests are on the LAN already).',
      '`uplink` is an interface name: 1–15 characters of `A-Z a-z 0-9 _ . -`.',
      'Every network has its own bridge, given or derived; two networks cannot name the same `bridge`.',
    ],
  },
  {
    topic: 'Guests and interfaces',
    rules: [
      'Every guest has an `image`, its own or `defaults.image`.',
      '`image` is a key of `images:`, or a path (anything containing `/` or `.`) to an image folder or a `.qcow2` file, relative to the lab file.',
      "`template` lies inside the lab file's folder (`../../etc/shadow` is refused before anything is read); `vlab validate` reads it and checks it is a well-formed libvirt `<domain>` XML.",
      '`interfaces[].network` names a key of `networks:`.',
      "A static `address` needs a network with a `cidr`. It is written bare (`172.16.0.2`) or with the network's own prefix (`172.16.0.2/16`), lies inside the network, and is neither its network address, its broadcast address nor its gateway.",
      'No two interfaces in the lab share an address.',
      '`mac` is a unicast address (the first byte is even) and no two interfaces in the lab share one. Without `mac:` vlab derives a stable one from lab, guest and NIC index (`52:54:00:…`).',
      'An interface without `address` uses DHCP.',
      'At most one interface of a guest carries the default route: the first static one on a network with `nat` or an `uplink` (and a gateway), otherwise the first static one on any network with a gateway. A guest with only DHCP interfaces gets its route from DHCP, if at all.',
    ],
  },
  {
    topic: 'Verify',
    rules: [
      'Each `verify.external` target is an IPv4 address outside every lab network.',
      '`checks[].from` names a guest.',
      '`checks[].to` is a guest, an IPv4 address, `gateway` or `external`; `external` needs at least one `verify.external` target.',
    ],
  },
  {
    topic: 'Test',
    rules: ['Each `test.outside` address is an IPv4 address outside every lab network (it lives only in the `vlab test` sandbox: docs/ci.md).'],
  },
];

/** The keys of an image folder's image.yaml. */
export const IMAGE_YAML_KEYS: KeyDoc[] = [
  {
    key: 'disk',
    type: 'string',
    presence: 'required',
    allowed: 'a qcow2 file',
    description: "The base disk, relative to the image folder. vlab never writes it: each guest gets a qcow2 overlay in the lab's state dir.",
  },
  {
    key: 'kernel',
    type: 'string',
    presence: 'optional',
    allowed: '',
    description:
      "Kernel for direct kernel boot, relative to the image folder. Without it the guest boots from the disk's own bootloader, or with `boot: kernel` from a kernel vlab reads out of the disk's /boot.",
  },
  { key: 'initrd', type: 'string', presence: 'optional', allowed: '', description: 'Initial ramdisk for direct kernel boot, relative to the image folder.' },
  { key: 'cmdline', type: 'string', presence: 'optional', allowed: '', description: 'Kernel command line for direct kernel boot, e.g. `console=ttyS0 root=/dev/vda rw quiet`.' },
  {
    key: 'netconfig',
    type: 'string',
    presence: 'optional',
    allowed: '`ifupdown`, `netplan`, `networkd`, `networkmanager`, `ifcfg`, `cloud-init`',
    description: "The image's network stack: used for guests with `netconfig: auto`, instead of inspecting the disk.",
  },
  {
    key: 'exec',
    type: 'string',
    presence: 'optional',
    allowed: '`agent`, `ssh`',
    description:
      'The transport for guests of this image that say `exec: auto` (or nothing): `agent` or `ssh`. Without it such guests use auto: the agent when it answers, else SSH.',
  },
  {
    key: 'boot',
    type: 'string',
    presence: 'optional',
    allowed: '`firmware`, `kernel`',
    description:
      "The default of guests of this image that set no `boot:`. `kernel`: direct kernel boot with the kernel, initrd and command line read from the disk's /boot and grub.cfg (once per image, kept in vlab's image cache), skipping the bootloader. `kernel:` above always wins. Default: firmware.",
  },
];

const INTRO = `A lab file (\`vlab.yaml\` unless you pass \`-f PATH\`) describes one throw-away lab: the
networks vlab creates on the host, the images guests boot from, the guests, and what
\`vlab verify\` must prove. \`vlab init\` writes a commented starting point; \`vlab validate\` checks a
file without touching the host.

Every problem in a file is reported in one run, each with its file, line and column, the YAML path
and a fix, and \`vlab\` exits with code 2: the shape, the cross-field rules, the images (missing, not
qcow2, a bad image.yaml) and the domain templates (missing, outside the lab's folder, not a
\`<domain>\`), all at once. \`vlab validate --json\` prints them as
\`{ "ok": false, "problems": [{ "file", "line", "column", "path", "message", "fix" }] }\`:

\`\`\`text
vlab.yaml:17:40: guests.db.interfaces[0].address: address 172.61.0.3 is outside 172.16.0.0/16
    fix: pick an address between 172.16.0.1 and 172.16.255.254
\`\`\`

Relative paths (images, templates) are resolved against the folder of the lab file. The lab name
prefixes everything vlab creates: libvirt networks and domains are \`vlab-LAB-NAME\`, bridges and
iptables rules are tagged \`vlab:LAB\`.`;

const REPETITION = `Three ways to write settings once:

- \`defaults:\` holds guest settings (\`image\`, \`memory\`, \`vcpus\`, \`netconfig\`, \`exec\`, \`boot\`,
  \`template\`) every guest gets unless it sets its own: a guest's value wins, key by key. A mistake in
  an inherited value is reported once, at its line under \`defaults:\`.
- YAML merge keys: \`<<: *anchor\` copies the keys of an anchored mapping into another (the keys
  written beside it win). A problem in a merged value points at the line of the anchor, where the
  value is written.
- Extension keys: a key starting with \`x-\` is ignored in every mapping of fixed keys (the top
  level, a network, a guest, an interface, \`defaults:\`, \`verify:\`, a check), so anchors can
  live in \`x-\` keys. Not in the maps of names (\`networks:\`, \`images:\`, \`guests:\`), where
  \`x-web\` is a name like any other.

\`\`\`yaml
name: twonets
networks:
  lan: { cidr: 10.70.1.0/24, nat: true }
  dmz: { cidr: 10.70.2.0/24 }
images:
  tiny: ../vm-images/tiny
defaults:
  image: tiny
  memory: 192
x-dmz-nic: &dmz-nic { network: dmz }
guests:
  router:
    memory: 256          # wins over defaults.memory
    interfaces:
      - { network: lan, address: 10.70.1.2 }
      - { <<: *dmz-nic, address: 10.70.2.2 }
  server:
    interfaces: [ { <<: *dmz-nic, address: 10.70.2.10 } ]
\`\`\``;

const EDITOR_NOTE = `[lab-file.schema.json](lab-file.schema.json) is the JSON Schema of the lab file (draft 2020-12),
generated from the same schema as this page. Editors that use
[yaml-language-server](https://github.com/redhat-developer/yaml-language-server) (VS Code's YAML
extension, Neovim, Helix, ...) complete keys, show these descriptions and flag schema errors when
the lab file starts with a modeline pointing at it, relative to the lab file or as a URL
(\`vlab init\` writes it):

\`\`\`yaml
# yaml-language-server: $schema=../docs/lab-file.schema.json
name: seed
\`\`\`

vlab ignores the comment. The editor cannot check the cross-field rules below; \`vlab validate\` does.`;

// ---------------------------------------------------------------------------------------------
// Rendering.

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function keyTable(keys: KeyDoc[]): string[] {
  return [
    '| Key | Type | Required / default | Allowed values | Description |',
    '| --- | --- | --- | --- | --- |',
    ...keys.map((k) => `| ${code(k.key)} | ${cell(k.type)} | ${cell(k.presence)} | ${cell(k.allowed)} | ${cell(k.description)} |`),
  ];
}

/** docs/lab-file.schema.json: the JSON Schema, pretty-printed. */
export function renderSchemaJson(): string {
  return JSON.stringify(labFileJsonSchema(), null, 2) + '\n';
}

/** docs/lab-file.md, with `seedYaml` (examples/seed.yaml) as the full example. */
export function renderReference(seedYaml: string): string {
  const lines: string[] = [
    '<!-- GENERATED by scripts/gen-docs.ts from src/spec/schema.ts: do not edit, run `npm run docs:gen`. -->',
    '',
    '# The lab file',
    '',
    INTRO,
    '',
    '## Example',
    '',
    'The seed lab (`examples/seed.yaml`): an isolated bridge with the host at 172.16.0.1/16, forwarding',
    'and MASQUERADE for traffic leaving it, and two guests with static addresses.',
    '',
    '```yaml',
    seedYaml.trimEnd(),
    '```',
    '',
    '## Less repetition: defaults, merge keys, x- keys',
    '',
    REPETITION,
    '',
    '## Editor support',
    '',
    EDITOR_NOTE,
    '',
    '## Reference',
    '',
    'Keys marked *required* must be present; the others take the default shown, or are left out.',
    'Unknown keys are errors (with a did-you-mean hint), so a typo never passes silently.',
    '`<name>` stands for a key you choose (see [Names](#names)).',
  ];
  for (const s of schemaSections()) {
    lines.push('', s.path ? `### ${code(s.path)}` : '### Top level', '');
    if (s.description) lines.push(s.description, '');
    lines.push(...keyTable(s.keys));
  }
  lines.push('', '## Cross-field rules', '', 'After the shape above, `vlab validate` checks these rules across keys (src/spec/semantic.ts).');
  for (const { topic, rules } of CROSS_FIELD_RULES) {
    lines.push('', `### ${topic}`, '', ...rules.map((r) => `- ${r}`));
  }
  lines.push(
    '',
    '## image.yaml',
    '',
    "An entry of `images:` (or a guest's `image:` path) names either a `.qcow2` file, which boots from",
    'its own bootloader and has its network stack detected from the disk, or a folder holding an',
    "`image.yaml` like this one (the tiny test guest's):",
    '',
    '```yaml',
    'disk: disk.qcow2',
    'kernel: vmlinux',
    'initrd: initrd.img',
    'cmdline: "console=ttyS0 root=/dev/vda rw quiet"',
    'netconfig: ifupdown',
    '```',
    '',
    ...keyTable(IMAGE_YAML_KEYS),
    '',
    'A missing file, a disk that is not qcow2 or a bad `image.yaml` is reported by `vlab validate` as a',
    "problem at the `images:` entry (or the guest's `image:`) that names it.",
    '',
    '## See also',
    '',
    '- [verify.md](verify.md): which connectivity checks `vlab verify` derives and runs.',
    '- [troubleshooting.md](troubleshooting.md): what to do when a command fails.',
    '',
  );
  return lines.join('\n');
}

/** Every generated file, by path relative to the repository root; reads its inputs, writes nothing. */
export function renderDocs(root = ROOT): Record<string, string> {
  const seed = readFileSync(join(root, 'examples/seed.yaml'), 'utf8');
  return { [SCHEMA_PATH]: renderSchemaJson(), [REFERENCE_PATH]: renderReference(seed) };
}

async function main(): Promise<void> {
  for (const [rel, content] of Object.entries({ ...renderDocs(), [CLI_PATH]: await renderCliReference() })) {
    writeFileSync(join(ROOT, rel), content);
    console.log(`wrote ${rel}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
