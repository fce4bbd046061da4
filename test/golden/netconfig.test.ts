/**
 * Golden files of every guest network stack for three guests (see netconfig/fixtures.ts):
 * test/golden/netconfig/<stack>/<lab>/<guest>/files.txt (mode and path of each file, in order)
 * and .../files/<path>. Update with `npm run golden:update`, then read the diff.
 */
import { test } from 'node:test';
import { renderGuestFiles, SUPPORTED_NETCONFIG } from '../../src/render/netconfig/index.js';
import { renderNetplan } from '../../src/render/netconfig/netplan.js';
import type { NetconfigKind } from '../../src/spec/types.js';
import type { GuestFile } from '../../src/render/files.js';
import { assertGolden } from './helpers.js';
import { CASES } from './netconfig/fixtures.js';

function golden(dir: string, files: GuestFile[]): void {
  assertGolden(`${dir}/files.txt`, files.map((f) => `${f.mode.toString(8).padStart(4, '0')} ${f.path}\n`).join(''));
  for (const f of files) assertGolden(`${dir}/files${f.path}`, f.content);
}

for (const stack of SUPPORTED_NETCONFIG as Exclude<NetconfigKind, 'auto'>[]) {
  test(`netconfig goldens: ${stack}`, () => {
    for (const c of CASES) golden(`netconfig/${stack}/${c.name}`, renderGuestFiles(c.input, stack));
  });
}

test('netconfig goldens: netplan with the NetworkManager backend (not registered; renderNetplan option)', () => {
  for (const c of CASES) golden(`netconfig/netplan-nm/${c.name}`, renderNetplan(c.input, { renderer: 'NetworkManager' }));
});
