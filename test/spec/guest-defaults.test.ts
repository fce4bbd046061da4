/** defaults: for guests, YAML merge keys and x- extension keys (src/spec/guest-defaults.ts, extensions.ts, load.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyseLab, parseLab } from '../../src/spec/load.js';
import { applyGuestDefaults, sourcePath } from '../../src/spec/guest-defaults.js';
import { stripExtensions } from '../../src/spec/extensions.js';
import { labFileJsonSchema } from '../../src/spec/schema.js';

const BASE = `name: seed
networks:
  lan: { cidr: 172.16.0.0/16 }
images:
  tiny: vm-images/tiny
  big: vm-images/big
`;

test('defaults: every guest gets them, a guest value wins key by key, schema defaults fill the rest', () => {
  const lab = parseLab(
    BASE +
      `defaults:
  image: tiny
  memory: 256
  exec: ssh
  boot: kernel
  template: t/router.xml
guests:
  web:
    interfaces: [ { network: lan, address: 172.16.0.2 } ]
  db:
    image: big
    memory: 1024
    exec: agent
    interfaces: [ { network: lan, address: 172.16.0.3 } ]
`,
    '/labs/x/vlab.yaml',
  );
  const [web, db] = lab.guests;
  assert.deepEqual(
    { image: web!.image, memory: web!.memory, vcpus: web!.vcpus, exec: web!.exec, boot: web!.boot, template: web!.template, netconfig: web!.netconfig },
    { image: 'tiny', memory: 256, vcpus: 1, exec: 'ssh', boot: 'kernel', template: '/labs/x/t/router.xml', netconfig: 'auto' },
  );
  assert.deepEqual({ image: db!.image, memory: db!.memory, exec: db!.exec }, { image: 'big', memory: 1024, exec: 'agent' });
});

test('applyGuestDefaults records where each inherited value is written; sourcePath maps problems there', () => {
  const { data, inherited } = applyGuestDefaults({ defaults: { memory: 64, image: 'tiny' }, guests: { web: { memory: 128 }, db: {} } });
  assert.deepEqual((data as { guests: unknown }).guests, { web: { memory: 128, image: 'tiny' }, db: { memory: 64, image: 'tiny' } });
  assert.deepEqual([...inherited.keys()].sort(), ['guests.db.image', 'guests.db.memory', 'guests.web.image']);
  assert.deepEqual(sourcePath(['guests', 'db', 'memory'], inherited), ['defaults', 'memory']);
  assert.deepEqual(sourcePath(['guests', 'web', 'memory'], inherited), ['guests', 'web', 'memory']);
});

test('an unknown key in defaults: is a problem with a did-you-mean, at its line', () => {
  const a = analyseLab(BASE + 'defaults:\n  memroy: 256\n  image: tiny\nguests:\n  web: { interfaces: [ { network: lan } ] }\n', '/l/vlab.yaml');
  assert.deepEqual(
    a.problems.map((p) => [p.line, p.path, p.hint]),
    [[8, 'defaults.memroy', "did you mean 'memory'?"]],
  );
});

test('merge keys: <<: *anchor copies keys, keys beside it win, and a merged mistake points at the anchor', () => {
  const lab = parseLab(
    BASE +
      `x-small: &small { image: tiny, memory: 160, vcpus: 2 }
guests:
  web:
    <<: *small
    memory: 300
    interfaces: [ { network: lan } ]
`,
    '/l/vlab.yaml',
  );
  assert.deepEqual([lab.guests[0]!.image, lab.guests[0]!.memory, lab.guests[0]!.vcpus], ['tiny', 300, 2]);
  const bad = analyseLab(BASE + 'x-small: &small\n  image: tiny\n  vcpus: 99\nguests:\n  web:\n    <<: *small\n    interfaces: [ { network: lan } ]\n', '/l/vlab.yaml');
  assert.deepEqual(
    bad.problems.map((p) => [p.line, p.column, p.path]),
    [[9, 10, 'guests.web.vcpus']],
  );
});

test('x- keys are ignored wherever keys are fixed, and are names in the maps of names', () => {
  const data = stripExtensions({ 'x-note': 1, name: 'a', guests: { 'x-web': { 'x-why': 'anchors', image: 'i' } }, networks: { n: { 'x-a': 1, cidr: 'c' } } });
  assert.deepEqual(data, { name: 'a', guests: { 'x-web': { image: 'i' } }, networks: { n: { cidr: 'c' } } });
  const lab = parseLab(BASE + 'x-anchors: { a: 1 }\nguests:\n  web:\n    x-owner: ops\n    image: tiny\n    interfaces: [ { network: lan, x-why: uplink } ]\n', '/l/vlab.yaml');
  assert.equal(lab.guests[0]!.name, 'web');
  const schema = JSON.stringify(labFileJsonSchema());
  assert.match(schema, /"patternProperties":\{"\^x-":\{\}\}/, 'editors accept x- keys too');
});

test('line numbers after defaults and merge keys still point at the mistake', () => {
  const text =
    BASE +
    'defaults:\n  image: tiny\nx-nic: &nic { network: lna }\nguests:\n  web:\n    interfaces: [ *nic ]\n  db:\n    interfaces: [ { network: lan, address: 172.16.0.300 } ]\n';
  const a = analyseLab(text, '/l/vlab.yaml');
  assert.deepEqual(
    a.problems.map((p) => [p.line, p.path, p.message]),
    [
      [9, 'guests.web.interfaces[0].network', "unknown network 'lna'"],
      [14, 'guests.db.interfaces[0].address', "'172.16.0.300' is not an IPv4 address"],
    ],
  );
});

test('the example of docs/lab-file.md for defaults, merge and x- keys is a valid lab', () => {
  const md = readFileSync(new URL('../../docs/lab-file.md', import.meta.url), 'utf8');
  const block = /## Less repetition[\s\S]*?```yaml\n([\s\S]*?)```/.exec(md)![1]!;
  const lab = parseLab(block, '/labs/docs/vlab.yaml');
  assert.deepEqual(
    lab.guests.map((g) => [g.name, g.image, g.memory, g.interfaces.map((i) => i.network).join(',')]),
    [
      ['router', 'tiny', 256, 'lan,dmz'],
      ['server', 'tiny', 192, 'dmz'],
    ],
  );
});
