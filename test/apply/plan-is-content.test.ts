/**
 * The plan is the content: what `up` writes into each guest disk, seed ISO and libvirt domain is
 * exactly what `plan --json` lists, byte for byte, once the plan's slots (SSH key material that
 * action ssh.keys makes during `up`) are filled with the keys it made. Real planner, core and
 * apply; the fake Host records every write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeHost } from '../fakes/fake-host.js';
import { fakeLab, SEED_YAML, STACKS_YAML, UPLINK_YAML } from '../fakes/labs.js';
import { downOn, planOn, upOn } from '../fakes/run-lab.js';
import { planToJson } from '../../src/cli/format-plan.js';
import { fillSlots, slotNames } from '../../src/render/slots.js';
import { sshSlotValues } from '../../src/render/ssh-files.js';
import type { ActionDetails } from '../../src/plan/types.js';

type Config = Extract<ActionDetails, { kind: 'guest.config' }>;
type Keys = Extract<ActionDetails, { kind: 'ssh.keys' }>;

/** STACKS with every guest reached over SSH (key slots in every stack's files, the seed ISO's user-data too). */
const SSH_YAML = STACKS_YAML.replace('g-ifcfg: { image: tiny, netconfig: ifcfg, exec: agent,', 'g-ifcfg: { image: tiny, netconfig: ifcfg,').replaceAll(
  /(g-[a-z-]+): \{ image: tiny,/g,
  '$1: { image: tiny, exec: ssh,',
);

for (const [name, yaml] of Object.entries({ seed: SEED_YAML, uplink: UPLINK_YAML, stacks: STACKS_YAML, ssh: SSH_YAML })) {
  test(`${name}: every file, ISO file and domain XML written equals plan --json's, slots filled`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-content-'));
    try {
      const root = path.join(dir, 'state');
      const { lab } = fakeLab(yaml, dir);
      const file = path.join(dir, 'vlab.yaml');
      const fake = new FakeHost();
      const planned = JSON.parse(JSON.stringify(planToJson(await planOn(fake, file, root)))) as { actions: { id: string; details: ActionDetails }[] };
      await upOn(fake, file, root);
      const keys = planned.actions.find((a) => a.details.kind === 'ssh.keys')?.details as Keys | undefined;
      const written = new Map(fake.diskEdits.flat().map((j) => [(j as { disk: string }).disk, (j as { files: unknown }).files]));
      let slots = 0;
      let configs = 0;
      for (const a of planned.actions) {
        const d = a.details;
        if (d.kind === 'domain.define') assert.equal(fake.state.domains[d.name]?.xml, d.xml, `${a.id}: the domain XML defined is the planned one`);
        if (d.kind !== 'guest.config') continue;
        configs++;
        const c: Config = d;
        const names = [...new Set(c.files.flatMap((f) => slotNames(f.content)))];
        assert.deepEqual(names.sort(), (c.slots ?? []).map((s) => s.name).sort(), `${a.id}: the slots declared are the slots in its files`);
        slots += names.length;
        let values: Record<string, string> = {};
        if (names.length) {
          assert.ok(keys, 'a lab with key slots has an ssh.keys action');
          const hostKey = keys.guests.find((g) => g.guest === c.guest)!.hostKey;
          values = sshSlotValues(c.guest, {
            authorizedKey: fs.readFileSync(`${keys.clientKey}.pub`, 'utf8'),
            hostKeyPrivate: fs.readFileSync(hostKey, 'utf8'),
            hostKeyPublic: fs.readFileSync(`${hostKey}.pub`, 'utf8'),
          });
        }
        const expected = c.files.map((f) => ({ ...f, content: fillSlots(f.content, values) }));
        for (const f of expected) assert.doesNotMatch(f.content, /vlab-slot/, `${a.id}: ${f.path} has no slot left`);
        const got = c.target === 'seed-iso' ? fake.seedIsoFiles.get(c.seedIso!) : written.get(c.disk);
        assert.deepEqual(got, expected, `${a.id}: the files written are the planned files, byte for byte`);
      }
      assert.ok(configs > 0);
      if (name === 'ssh') assert.ok(slots >= 6 * 3, `every ssh guest's files hold its 3 key slots (found ${slots})`);
      assert.deepEqual((await downOn(fake, lab.name, root)).failed, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
