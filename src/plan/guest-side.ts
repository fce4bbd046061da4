/** Actions for the guests: overlays, injected network configuration, domains, readiness. Pure. */
import type { ImageInfo, Lab, LabGuest } from '../spec/types.js';
import type { HostFacts } from './facts.js';
import { isImageProblem } from './facts.js';
import type { Action, Conflict, PlanSlot } from './types.js';
import { configuredPath, consoleLogPath, labPaths, overlayPath } from './paths.js';
import { libvirtNetworkName } from '../render/network-xml.js';
import { domainName, renderDomainXml } from '../render/domain-xml.js';
import { SUPPORTED_NETCONFIG } from '../render/netconfig/index.js';
import { labHosts } from '../render/hosts.js';
import { guestEdits, type GuestEdits } from '../render/netconfig/edits.js';
import { hostKeyPath, seedIsoPath, sshPaths } from './paths.js';
import { chooseExec, hostKeyAlias, usesSsh, type ExecChoice } from './exec-transport.js';
import { slotMaterial, sshSlotNames } from '../render/ssh-files.js';
import type { SshGuest } from './types.js';
import type { DiskRoute, ImageInspection } from './image-facts.js';
import { bootImage, bootMode } from './boot.js';

/** Which network stack a guest gets, and who decided: the lab file, the image, or disk inspection at `up`. */
export function chooseStack(guest: LabGuest, image: ImageInfo | undefined, inspection?: ImageInspection): { stack: string; source: string; detect: boolean } {
  if (guest.netconfig !== 'auto') return { stack: guest.netconfig, source: 'lab file', detect: false };
  if (image?.netconfig) return { stack: image.netconfig, source: 'image.yaml', detect: false };
  if (inspection?.stack) return { stack: inspection.stack.stack, source: `detected in the image: ${inspection.stack.evidence.join(', ')}`, detect: false };
  if (inspection && inspection.route.kind === 'direct') return { stack: 'auto', source: 'nothing in the image shows its stack', detect: false };
  return { stack: 'auto', source: 'detected from the disk at up', detect: true };
}

/** How a guest's overlay is written, for people: "written directly (ext4, partition 1 at 1 MiB)" or "libguestfs appliance (root is XFS)". */
export function describeRoute(route: DiskRoute): string {
  if (route.kind === 'libguestfs') return `libguestfs appliance (${route.reason})`;
  const at = route.offsetBytes % (1 << 20) === 0 ? `${route.offsetBytes / (1 << 20)} MiB` : `byte ${route.offsetBytes}`;
  return `written directly (${route.fs}${route.partition ? `, partition ${route.partition} at ${at}` : ', whole disk'})`;
}

/**
 * The guest side of the plan. `whole`: the whole lab when `lab` holds only the guests of one host
 * of a multi-host lab (every guest's /etc/hosts names all the lab's guests).
 */
export async function guestActions(lab: Lab, facts: HostFacts, accel: 'kvm' | 'tcg', conflicts: Conflict[], hostSide: Action[] = [], whole: Lab = lab): Promise<Action[]> {
  const ruleIds = (bridge: string) => hostSide.filter((a) => a.kind === 'iptables.rule' && a.dependsOn.includes(`bridge.create:${bridge}`)).map((a) => a.id);
  const actions: Action[] = [];
  const paths = labPaths(facts.stateRoot, lab.name);
  const hosts = labHosts(whole);
  const imageOf = (guest: LabGuest) => {
    const found = facts.images[guest.image];
    return found && !isImageProblem(found) ? found : undefined;
  };
  const choices = new Map<string, ExecChoice>(lab.guests.map((g) => [g.name, chooseExec(lab, g, imageOf(g))]));
  const keys = sshKeysAction(lab, facts, choices);
  if (keys) actions.push(keys);
  for (const guest of lab.guests) {
    const image = imageOf(guest);
    if (!image) continue; // reported as a validation problem by the caller
    const dom = domainName(lab, guest);
    const domFact = facts.libvirt.domains.find((d) => d.name === dom);
    const defined = !!domFact && domFact.owner === lab.name;
    const overlay = overlayPath(paths, guest.name);
    const configured = configuredPath(paths, guest.name);
    const overlayId = `disk.overlay:${guest.name}`;
    actions.push({
      id: overlayId,
      kind: 'disk.overlay',
      target: configured,
      description: `create qcow2 overlay ${configured} over ${image.disk}, the guest's configured layer (the base is never written)`,
      dependsOn: [],
      satisfied: defined || facts.stateFiles.includes(configured),
      details: { kind: 'disk.overlay', base: image.disk, overlay: configured },
    });
    const exec = choices.get(guest.name)!;
    if (exec.mode === 'ssh' && !exec.sshAddress) {
      conflicts.push({
        kind: 'exec-ssh-unreachable',
        message: `guest '${guest.name}': exec: ssh (from ${exec.source}) needs a static address on a network where the host has an address (a network with cidr, or a bridged uplink with cidr); it has none`,
        hint: `give one of guests.${guest.name}.interfaces an address on such a network, or set exec: agent`,
      });
    }
    const ssh = usesSsh(exec) ? slotMaterial(guest.name) : undefined;
    const inspected = facts.imageFacts?.[guest.image];
    const inspection = inspected && !('error' in inspected) ? inspected : undefined;
    const route: DiskRoute = inspection?.route ?? {
      kind: 'libguestfs',
      reason: inspected && 'error' in inspected ? `the image could not be read directly: ${inspected.error}` : 'the image was not inspected',
    };
    const choice = chooseStack(guest, image, inspection);
    if (choice.stack === 'auto' && !choice.detect) {
      conflicts.push({
        kind: 'netconfig-undetected',
        message: `guest '${guest.name}': cannot tell which network stack its image uses (${choice.source})`,
        hint: `set netconfig: on guests.${guest.name} (one of ${SUPPORTED_NETCONFIG.join(', ')}) or in the image's image.yaml`,
      });
    }
    if (!choice.detect && !SUPPORTED_NETCONFIG.includes(choice.stack)) {
      conflicts.push({
        kind: 'netconfig-unsupported',
        message: `guest '${guest.name}': netconfig '${choice.stack}' (from ${choice.source}) is not yet supported`,
        hint: `supported now: ${SUPPORTED_NETCONFIG.join(', ')}; set netconfig: on the guest`,
      });
    }
    const edits: GuestEdits | undefined =
      choice.detect || !SUPPORTED_NETCONFIG.includes(choice.stack) ? undefined : guestEdits({ lab, guest, hosts, ...(ssh ? { ssh } : {}) }, choice.stack as GuestEdits['stack']);
    const files = edits?.files ?? [];
    const seedIso = edits?.target === 'seed-iso' ? seedIsoPath(paths, guest.name) : undefined;
    const configId = `guest.config:${guest.name}`;
    actions.push({
      id: configId,
      kind: 'guest.config',
      target: configured,
      description: seedIso
        ? `build cloud-init NoCloud seed ISO ${seedIso} for ${guest.name} (${choice.source}; the disk is left untouched): ${files.map((f) => f.path).join(', ')}`
        : `write ${choice.stack} network configuration, hostname and /etc/hosts${ssh ? ' and the SSH keys' : ''} into ${guest.name}'s configured layer, ${describeRoute(route)} (${choice.source})` +
          (files.length ? `: ${files.map((f) => f.path).join(', ')}` : '') +
          (edits?.remove.length ? `; remove conflicting ${edits.remove.join(', ')}` : '') +
          (edits?.links.length ? `; enable ${edits.links.map((l) => l.target.split('/').pop()).join(', ')}` : ''),
      dependsOn: ssh && keys ? [overlayId, keys.id] : [overlayId],
      satisfied: defined,
      details: {
        kind: 'guest.config',
        guest: guest.name,
        disk: configured,
        stack: choice.stack,
        stackSource: choice.source,
        detect: choice.detect,
        target: edits?.target ?? 'disk',
        files,
        remove: edits?.remove ?? [],
        links: edits?.links ?? [],
        ...(seedIso ? { seedIso } : { route }),
        ...(ssh && keys ? { slots: sshSlots(guest.name, keys.id) } : {}),
      },
    });
    const template = facts.templates[guest.template ?? 'default'];
    if (template === undefined) {
      conflicts.push({
        kind: 'template-missing',
        message: `guest '${guest.name}': domain template ${guest.template ?? 'templates/domain.xml'} could not be read`,
        hint: 'check the template: path',
      });
      continue;
    }
    const topId = `disk.top:${guest.name}`;
    actions.push({
      id: topId,
      kind: 'disk.top',
      target: overlay,
      description: `create ${guest.name}'s running disk ${overlay} over its configured layer (\`vlab reset --cold\` replaces it)`,
      dependsOn: [configId],
      satisfied: defined || facts.stateFiles.includes(overlay),
      details: { kind: 'disk.top', base: configured, overlay },
    });
    const consoleLog = consoleLogPath(paths, guest.name);
    const boot = kernelBoot(guest, image, facts, conflicts);
    const xml = await renderDomainXml({
      lab,
      guest,
      image: boot.image,
      domainType: accel === 'kvm' ? 'kvm' : 'qemu',
      overlayPath: overlay,
      configuredPath: configured,
      consoleLogPath: consoleLog,
      template,
      ...(seedIso ? { seedIsoPath: seedIso } : {}),
    });
    const netIds = [...new Set(guest.interfaces.map((i) => i.network))].map(
      (n) =>
        `libvirt.network:${libvirtNetworkName(
          lab,
          lab.networks.find((x) => x.name === n)!,
        )}`,
    );
    const defineId = `domain.define:${dom}`;
    actions.push({
      id: defineId,
      kind: 'domain.define',
      target: dom,
      description: `define domain ${dom} (${accel}, ${guest.memory} MiB, ${guest.vcpus} vCPU, ${guest.interfaces.length} NIC${guest.interfaces.length > 1 ? 's' : ''})${boot.note}`,
      dependsOn: [topId, ...netIds],
      satisfied: defined,
      details: { kind: 'domain.define', name: dom, xml, consoleLog },
    });
    // Start only once the guest's networks are complete: address, forwarding, NAT and isolation rules.
    const ownNets = lab.networks.filter((n) => guest.interfaces.some((i) => i.network === n.name));
    const hostIds = ownNets.flatMap((n) => [`bridge.address:${n.bridge}`, ...ruleIds(n.bridge)]);
    const startId = `domain.start:${dom}`;
    actions.push({
      id: startId,
      kind: 'domain.start',
      target: dom,
      description: `start domain ${dom}`,
      dependsOn: [defineId, ...hostIds, 'sysctl.forward'],
      satisfied: defined && !!domFact?.active,
      details: { kind: 'domain.start', name: dom },
    });
    actions.push({
      id: `guest.ready:${guest.name}`,
      kind: 'guest.ready',
      target: dom,
      description: `wait for ${guest.name} to answer (${exec.mode === 'auto' && exec.sshAddress ? 'agent or ssh' : exec.mode}) and confirm ${guest.interfaces.map((i) => `${i.mac}=${i.address ?? (i.unconfigured ? 'none' : 'dhcp')}`).join(', ')}`,
      dependsOn: [startId],
      satisfied: defined && !!domFact?.active,
      details: {
        kind: 'guest.ready',
        guest: guest.name,
        domain: dom,
        interfaces: guest.interfaces.map((i) => ({
          mac: i.mac,
          ...(i.address ? { address: i.address, prefix: i.prefix } : {}),
          ...(i.unconfigured ? { unconfigured: true as const } : {}),
        })),
      },
    });
  }
  return actions;
}

/** The image a guest's domain boots: for `boot: kernel`, with the kernel vlab copied out of it (a conflict when there is none). */
function kernelBoot(guest: LabGuest, image: ImageInfo, facts: HostFacts, conflicts: Conflict[]): { image: ImageInfo; note: string } {
  if (bootMode(guest, image) !== 'kernel') return { image, note: '' };
  const k = facts.imageKernels?.[guest.image];
  if (!k || 'error' in k) {
    conflicts.push({
      kind: 'boot-kernel-missing',
      message: `guest '${guest.name}': boot: kernel, but no kernel can be taken from image '${guest.image}' (${k ? k.error : 'the image was not inspected'})`,
      hint: `give the image an image.yaml with kernel:, initrd: and cmdline:, or set boot: firmware on guests.${guest.name}`,
    });
    return { image, note: '' };
  }
  return {
    image: bootImage(image, k),
    note: `, direct kernel boot of the image's ${k.from.kernel}${k.uncompressed ? ' (unpacked: no decompression at boot)' : ''}${k.from.initrd ? ` and ${k.from.initrd}` : ''} (command line from ${k.from.source ?? '/boot'})`,
  };
}

/** The lab's SSH keys: one action for every guest reached over SSH; undefined when none is. */
function sshKeysAction(lab: Lab, facts: HostFacts, choices: Map<string, ExecChoice>): Action | undefined {
  const p = sshPaths(labPaths(facts.stateRoot, lab.name));
  const guests: SshGuest[] = lab.guests.flatMap((g) => {
    const c = choices.get(g.name)!;
    if (!usesSsh(c) || c.mode === 'agent') return [];
    return [{ guest: g.name, domain: domainName(lab, g), mode: c.mode, address: c.sshAddress!, hostKey: hostKeyPath(p, g.name), alias: hostKeyAlias(lab.name, g.name) }];
  });
  if (!guests.length) return undefined;
  const have = (f: string) => facts.stateFiles.includes(f);
  return {
    id: 'ssh.keys',
    kind: 'ssh.keys',
    target: p.dir,
    description: `generate the lab's SSH keys in ${p.dir}: a client key for root logins and an ed25519 host key for ${guests.map((g) => g.guest).join(', ')}, pinned in known_hosts`,
    dependsOn: [],
    satisfied: have(p.knownHosts) && have(p.clientKey) && guests.every((g) => have(g.hostKey)),
    details: { kind: 'ssh.keys', dir: p.dir, clientKey: p.clientKey, knownHosts: p.knownHosts, guests },
  };
}

/** The slots of a guest's SSH key material, made by action `from` (ssh.keys). */
function sshSlots(guest: string, from: string): PlanSlot[] {
  const n = sshSlotNames(guest);
  return [
    { name: n.clientPub, from, what: "the public half of the lab's client key" },
    { name: n.hostKey, from, what: `the private ed25519 host key of ${guest}` },
    { name: n.hostPub, from, what: `the public half of ${guest}'s host key` },
  ];
}
