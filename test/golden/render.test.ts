/**
 * Golden tests of everything src/render produces for a few fixed labs. Update with
 * `npm run golden:update`, then read the diff.
 */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderDomainXml, type DomainInput } from '../../src/render/domain-xml.js';
import { labHosts } from '../../src/render/hosts.js';
import { renderGuestFiles } from '../../src/render/netconfig/index.js';
import { renderNetworkXml } from '../../src/render/network-xml.js';
import type { ImageInfo, Lab } from '../../src/spec/types.js';
import { diskImage, guestOf, multiLab, seedLab, tinyImage } from '../fixtures/render/seed-lab.js';
import { assertGolden } from './helpers.js';

const template = readFileSync(new URL('../../templates/domain.xml', import.meta.url), 'utf8');

function domainInput(lab: Lab, guest: string, image: ImageInfo, over: Partial<DomainInput> = {}): DomainInput {
  const state = `/var/lib/vlab/labs/${lab.name}`;
  return {
    lab,
    guest: guestOf(lab, guest),
    image,
    domainType: 'qemu',
    overlayPath: `${state}/${guest}.qcow2`,
    configuredPath: `${state}/${guest}.configured.qcow2`,
    consoleLogPath: `${state}/${guest}.console.log`,
    template,
    ...over,
  };
}

async function goldenNetworks(dir: string, lab: Lab): Promise<void> {
  for (const net of lab.networks) assertGolden(`render/${dir}/network-${net.name}.xml`, await renderNetworkXml(lab, net));
}

function goldenGuestFiles(dir: string, lab: Lab, guest: string): void {
  const files = renderGuestFiles({ lab, guest: guestOf(lab, guest), hosts: labHosts(lab) }, 'ifupdown');
  const manifest = files.map((f) => `${f.mode.toString(8).padStart(4, '0')} ${f.path}\n`).join('');
  assertGolden(`render/${dir}/${guest}/files.txt`, manifest);
  for (const f of files) assertGolden(`render/${dir}/${guest}/files${f.path}`, f.content);
}

test('seed lab: network, domains (qemu, direct kernel boot), guest files', async () => {
  await goldenNetworks('seed', seedLab);
  for (const g of ['web', 'db']) {
    assertGolden(`render/seed/${g}/domain.xml`, await renderDomainXml(domainInput(seedLab, g, tinyImage)));
    goldenGuestFiles('seed', seedLab, g);
  }
});

test('two-network guest with one DHCP NIC', async () => {
  await goldenNetworks('multi', multiLab);
  assertGolden('render/multi/edge/domain.xml', await renderDomainXml(domainInput(multiLab, 'edge', tinyImage)));
  goldenGuestFiles('multi', multiLab, 'edge');
  goldenGuestFiles('multi', multiLab, 'roamer');
});

test('disk-boot image under kvm with a seed ISO', async () => {
  const input = domainInput(seedLab, 'web', diskImage, { domainType: 'kvm', seedIsoPath: '/var/lib/vlab/labs/seed/web.seed.iso' });
  assertGolden('render/disk/web/domain.xml', await renderDomainXml(input));
});
