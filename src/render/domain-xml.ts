/**
 * libvirt domain XML for one guest: a template (text, read by an adapter) with the devices and
 * settings vlab manages set or replaced; everything else in the template is kept. Pure.
 */
import { BugError, UsageError } from '../errors.js';
import type { ImageInfo, Lab, LabGuest } from '../spec/types.js';
import { setOwner } from './metadata.js';
import { libvirtNetworkName, type Named } from './network-xml.js';
import { attr, buildXml, child, children, el, ensureChild, orderChildren, parseXml, removeChildren, type XmlNode } from './xml.js';

/** Everything needed to render one guest's domain XML. */
export interface DomainInput {
  lab: Lab;
  guest: LabGuest;
  image: ImageInfo;
  /** `qemu` = TCG (no hardware acceleration). */
  domainType: 'kvm' | 'qemu';
  /** qcow2 overlay (absolute). */
  overlayPath: string;
  /** The configured layer under the overlay (base → configured → overlay). */
  configuredPath: string;
  /** Serial console log file. */
  consoleLogPath: string;
  /** cloud-init NoCloud ISO, attached as a read-only cdrom when present. */
  seedIsoPath?: string;
  /** Template XML text. */
  template: string;
}

/** The libvirt domain name of a guest: `vlab-<lab>-<guest>`. */
export function domainName(lab: Named, guest: Named): string {
  return `vlab-${typeof lab === 'string' ? lab : lab.name}-${typeof guest === 'string' ? guest : guest.name}`;
}

/** Target dev of the root disk. */
export const ROOT_DISK_DEV = 'vda';
/** virtio-serial port name the qemu guest agent listens on. */
export const AGENT_CHANNEL = 'org.qemu.guest_agent.0';

const DOMAIN_ORDER = [
  'name',
  'uuid',
  'title',
  'description',
  'metadata',
  'maxMemory',
  'memory',
  'currentMemory',
  'vcpu',
  'os',
  'features',
  'cpu',
  'clock',
  'on_poweroff',
  'on_reboot',
  'on_crash',
  'devices',
];
const OS_ORDER = ['type', 'loader', 'nvram', 'kernel', 'initrd', 'cmdline', 'boot'];
const DEVICE_ORDER = ['emulator', 'disk', 'controller', 'interface', 'serial', 'console', 'channel', 'input', 'graphics', 'video', 'rng', 'memballoon'];

/** Renders the guest's domain XML from `input.template`; a template that is not a domain XML is a UsageError. */
export async function renderDomainXml(input: DomainInput): Promise<string> {
  const { lab, guest } = input;
  const root = await parseTemplate(input);
  root.$ = { ...root.$, type: input.domainType };
  root.name = [el({}, {}, domainName(lab, guest))];
  delete root.uuid; // libvirt makes a fresh one; a copied uuid would clash between guests
  setOwner(root, lab.name, 'guest', guest.name);
  root.memory = [el({ unit: 'MiB' }, {}, guest.memory)];
  delete root.currentMemory;
  const vcpu = ensureChild(root, 'vcpu');
  vcpu._ = String(guest.vcpus);
  setOs(root, input.image);
  setCpu(root, input.domainType);
  setDevices(ensureChild(root, 'devices'), input, machineOf(root));
  orderChildren(root, DOMAIN_ORDER);
  return buildXml('domain', root);
}

/** What is wrong with a domain template's text (undefined when it is a libvirt domain XML), for `vlab validate`. */
export async function templateProblem(text: string): Promise<string | undefined> {
  let doc;
  try {
    doc = await parseXml(text);
  } catch (err) {
    // The parser's first line only: never the file's content.
    return `is not well-formed XML: ${(err as Error).message.split('\n')[0]}`;
  }
  return doc.name === 'domain' ? undefined : `is not a libvirt domain XML (root element <${doc.name}>, expected <domain>)`;
}

async function parseTemplate(input: DomainInput): Promise<XmlNode> {
  const where = input.guest.template ?? 'the default domain template';
  let doc;
  try {
    doc = await parseXml(input.template);
  } catch (err) {
    throw new UsageError(`${where} is not well-formed XML: ${(err as Error).message.split('\n')[0]}`, 'fix the template, or start again from templates/domain.xml');
  }
  if (doc.name !== 'domain') {
    throw new UsageError(`${where} is not a libvirt domain XML (root element <${doc.name}>, expected <domain>)`, 'start from templates/domain.xml');
  }
  return doc.root;
}

/** Direct kernel boot when the image has a kernel, else boot from the root disk. */
function setOs(root: XmlNode, image: ImageInfo): void {
  const os = ensureChild(root, 'os');
  if (!child(os, 'type')) os.type = [el({}, {}, 'hvm')];
  for (const tag of ['kernel', 'initrd', 'cmdline', 'boot']) delete os[tag];
  if (image.kernel) {
    os.kernel = [el({}, {}, image.kernel)];
    if (image.initrd) os.initrd = [el({}, {}, image.initrd)];
    if (image.cmdline) os.cmdline = [el({}, {}, image.cmdline)];
  } else {
    os.boot = [el({ dev: 'hd' })];
  }
  orderChildren(os, OS_ORDER);
}

/** kvm: host-passthrough unless the template picks a CPU. qemu: no CPU mode that needs kvm. */
function setCpu(root: XmlNode, domainType: DomainInput['domainType']): void {
  if (domainType === 'kvm') {
    if (!child(root, 'cpu')) root.cpu = [el({ mode: 'host-passthrough' })];
  } else {
    removeChildren(root, 'cpu', (c) => ['host-passthrough', 'host-model'].includes(attr(c, 'mode') ?? ''));
  }
}

function setDevices(devices: XmlNode, input: DomainInput, machine: string): void {
  const cdrom = input.seedIsoPath ? seedCdrom(input.seedIsoPath, machine) : undefined;
  const managedDevs = [ROOT_DISK_DEV, attr(child(cdrom ?? {}, 'target'), 'dev') ?? ROOT_DISK_DEV];
  removeChildren(devices, 'disk', (d) => managedDevs.includes(attr(child(d, 'target'), 'dev') ?? ''));
  devices.disk = [rootDisk(input.overlayPath, input.configuredPath, input.image.disk), ...(cdrom ? [cdrom] : []), ...children(devices, 'disk')];

  devices.interface = input.guest.interfaces.map((nic) => {
    if (!input.lab.networks.some((n) => n.name === nic.network)) {
      throw new BugError(`guest ${input.guest.name} interface ${nic.index} names unknown network ${nic.network}`);
    }
    return el(
      { type: 'network' },
      {
        mac: [el({ address: nic.mac })],
        source: [el({ network: libvirtNetworkName(input.lab, nic.network) })],
        model: [el({ type: 'virtio' })],
        // A network that spans hosts runs over VXLAN: the guest NIC leaves room for its header.
        ...(nic.mtu ? { mtu: [el({ size: String(nic.mtu) })] } : {}),
      },
    );
  });
  if (devices.interface.length === 0) delete devices.interface;

  // Serial port 0 and the serial console are vlab's; other serial ports and virtio consoles stay.
  removeChildren(devices, 'serial', (s) => (attr(child(s, 'target'), 'port') ?? '0') === '0');
  removeChildren(devices, 'console', (c) => (attr(child(c, 'target'), 'type') ?? 'serial') === 'serial');
  // append: a restart of QEMU (a snapshot revert, restore after a reboot) keeps the earlier log.
  const source = () => ({ source: [el({ path: input.consoleLogPath, append: 'on' })] });
  devices.serial = [el({ type: 'file' }, { ...source(), target: [el({ port: 0 })] }), ...children(devices, 'serial')];
  devices.console = [el({ type: 'file' }, { ...source(), target: [el({ type: 'serial', port: 0 })] }), ...children(devices, 'console')];

  removeChildren(devices, 'channel', (c) => attr(child(c, 'target'), 'name') === AGENT_CHANNEL);
  devices.channel = [el({ type: 'unix' }, { target: [el({ type: 'virtio', name: AGENT_CHANNEL })] }), ...children(devices, 'channel')];
  orderChildren(devices, DEVICE_ORDER);
}

/**
 * The running overlay over the configured layer over the base, the whole chain spelled out so
 * that libvirt does NOT relabel (chown) the base image: it is the user's file, shared by guests
 * and labs, and libvirt never gives backing files back. The base only needs to be readable by the
 * qemu user; the configured layer is the lab's own (in its state dir) and is labelled like the overlay.
 */
function rootDisk(overlayPath: string, configuredPath: string, basePath: string): XmlNode {
  const noRelabel = { seclabel: [el({ model: 'dac', relabel: 'no' })] };
  return el(
    { type: 'file', device: 'disk' },
    {
      driver: [el({ name: 'qemu', type: 'qcow2' })],
      source: [el({ file: overlayPath })],
      backingStore: [
        el(
          { type: 'file' },
          {
            format: [el({ type: 'qcow2' })],
            source: [el({ file: configuredPath })],
            backingStore: [
              el(
                { type: 'file' },
                {
                  format: [el({ type: 'qcow2' })],
                  source: [el({ file: basePath }, noRelabel)],
                  backingStore: [el()],
                },
              ),
            ],
          },
        ),
      ],
      target: [el({ dev: ROOT_DISK_DEV, bus: 'virtio' })],
    },
  );
}

/** The machine type the template asks for (`pc` when it names none). */
function machineOf(root: XmlNode): string {
  return attr(child(child(root, 'os') ?? {}, 'type'), 'machine') ?? 'pc';
}

/** True for i440fx machine types (`pc`, `pc-i440fx-*`, old `pc-1.x`), which have IDE. */
function isI440fx(machine: string): boolean {
  return machine === 'pc' || machine.startsWith('pc-i440fx') || /^pc-\d/.test(machine);
}

/** The seed ISO as a read-only cdrom: IDE on i440fx (`pc*`), SATA elsewhere (q35 has no IDE). */
function seedCdrom(isoPath: string, machine: string): XmlNode {
  const target = isI440fx(machine) ? el({ dev: 'hdc', bus: 'ide' }) : el({ dev: 'sda', bus: 'sata' });
  return el(
    { type: 'file', device: 'cdrom' },
    {
      driver: [el({ name: 'qemu', type: 'raw' })],
      source: [el({ file: isoPath })],
      target: [target],
      readonly: [{}],
    },
  );
}
