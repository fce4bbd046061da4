/** Makes one planned change on the host. The journal entry is written before this runs. */
import path from 'node:path';
import type { Host } from '../host/index.js';
import type { Action } from '../plan/types.js';
import { BugError } from '../errors.js';
import { isActiveState, ownerOf } from '../host/libvirt/parse.js';
import { attachUplink } from './uplink.js';
import { makeSshKeys } from './ssh-keys.js';
import { makePersistFile } from './persist-entries.js';
import { copyGuestFiles } from './disk-copy.js';

export interface DoContext {
  lab: string;
  /** Multi-host labs: this machine, where `disk.copy` copies from (absent: `host` is this machine). */
  controller?: Host;
  stateDir: string;
  uplinkTimeoutSec: number;
  say: (text: string) => void;
}

export async function doAction(host: Host, action: Action, ctx: DoContext): Promise<void> {
  const d = action.details;
  switch (d.kind) {
    case 'bridge.create':
      await host.ip.createBridge(d.bridge, d.alias);
      await host.ip.setUp(d.bridge);
      return;
    case 'bridge.address':
      await host.ip.addAddress(d.bridge, d.cidr);
      return;
    case 'uplink.attach':
      await attachUplink(host, d, { stateDir: ctx.stateDir, timeoutSec: ctx.uplinkTimeoutSec, say: ctx.say });
      return;
    case 'sysctl.forward':
      await host.sysctl.set(d.key, d.value);
      return;
    case 'iptables.rule':
      if (await host.iptables.exists(d.rule.table, d.rule.chain, d.rule.spec)) return;
      if (d.rule.position === 'insert') await host.iptables.insert(d.rule.table, d.rule.chain, d.rule.spec);
      else await host.iptables.append(d.rule.table, d.rule.chain, d.rule.spec);
      return;
    case 'libvirt.network': {
      const existing = (await host.libvirt.listNetworks()).find((n) => n.name === d.name);
      if (!existing) await host.libvirt.defineNetwork(d.xml);
      if (!existing?.active) await host.libvirt.startNetwork(d.name);
      return;
    }
    case 'vxlan.create': {
      const link = (await host.ip.listLinks()).find((l) => l.name === d.name);
      if (link?.alias === d.alias) await host.ip.deleteLink(d.name); // half-made by a killed run
      await host.ip.createVxlan(d);
      return;
    }
    case 'disk.copy':
      await copyGuestFiles(ctx.controller ?? host, host, d);
      return;
    case 'disk.overlay':
    case 'disk.top':
      host.files.mkdirp(path.dirname(d.overlay), 0o711);
      if (host.files.exists(d.overlay)) host.files.remove(d.overlay); // a half-made overlay from a killed run
      await host.qemuImg.createOverlay(d.base, d.overlay);
      return;
    case 'domain.define':
      host.files.mkdirp(path.dirname(d.consoleLog), 0o711);
      {
        // A domain of this lab already defined (an earlier `up` was killed while its define was
        // in flight): redefining without its UUID would fail, so remove it first. Never another's.
        // (Its own state and definition: two calls, where listing every domain costs one per domain.)
        const state = await host.libvirt.domainState(d.name);
        if (state !== 'missing' && (await ownerOf(await host.libvirt.domainXml(d.name))) === ctx.lab) {
          if (isActiveState(state)) await host.libvirt.destroyDomain(d.name);
          await host.libvirt.undefineDomain(d.name);
        }
      }
      await host.libvirt.defineDomain(d.xml);
      return;
    case 'domain.start': {
      const state = await host.libvirt.domainState(d.name);
      if (state !== 'running') await host.libvirt.startDomain(d.name);
      return;
    }
    case 'ssh.keys':
      await makeSshKeys(host, d, ctx.lab);
      return;
    case 'persist.file':
      makePersistFile(host, d);
      return;
    case 'persist.autostart':
      if (d.object === 'network') await host.libvirt.setNetworkAutostart(d.name, true);
      else await host.libvirt.setDomainAutostart(d.name, true);
      return;
    case 'guest.config':
    case 'guest.ready':
      throw new BugError(`${d.kind} is executed in batches, not by doAction`);
  }
}
