/** checkLabFile (validate, and the first step of plan and up): schema, cross-field rules, images and templates in one pass, against the fake Host. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeHost } from '../fakes/fake-host.js';
import { fakeLab, SEED_YAML } from '../fakes/labs.js';
import { checkLabFile } from '../../src/lab/lab-file.js';
import { ValidationError, type Problem } from '../../src/errors.js';

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-check-'));
  fakeLab(SEED_YAML, dir); // the tiny image folder under dir/images
  return { dir, file: path.join(dir, 'vlab.yaml'), fake: new FakeHost(), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function problems(file: string, fake: FakeHost): Promise<Problem[]> {
  try {
    await checkLabFile(file, fake.host);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.problems;
  }
  assert.fail('the lab was accepted');
}

test('a valid lab: the lab and its resolved images; templates beside the lab file are read and accepted', async () => {
  const s = setup();
  try {
    fs.copyFileSync(new URL('../../templates/domain.xml', import.meta.url), path.join(s.dir, 'router.xml'));
    fs.writeFileSync(s.file, fs.readFileSync(s.file, 'utf8').replace('web: { image: tiny,', 'web: { image: tiny, template: router.xml,'));
    const { loaded, images } = await checkLabFile(s.file, s.fake.host);
    assert.equal(loaded.lab.guests[0]!.template, path.join(s.dir, 'router.xml'));
    assert.deepEqual(Object.keys(images), ['tiny']);
    assert.deepEqual(s.fake.calls, [], 'nothing on the host changed');
  } finally {
    s.done();
  }
});

test('one pass: a schema problem, a cross-field problem, a missing image and missing, broken and outside templates together', async () => {
  const s = setup();
  try {
    fs.writeFileSync(path.join(s.dir, 'broken.xml'), '<domain><name>x</domain>');
    fs.writeFileSync(path.join(s.dir, 'network.xml'), '<network/>');
    const images = path.join(s.dir, 'images');
    fs.writeFileSync(
      s.file,
      `name: seed
networks:
  lan: { cidr: 172.16.0.0/16 }
images:
  tiny: ${images}/tiny
  gone: ${images}/nothing-here
guests:
  a: { image: tiny, vcpus: 0, template: nope.xml, interfaces: [ { network: lan } ] }
  b: { image: gone, template: broken.xml, interfaces: [ { network: lna } ] }
  c: { image: tiny, template: network.xml, interfaces: [ { network: lan } ] }
  d: { image: tiny, template: ../../../../etc/shadow, interfaces: [ { network: lan } ] }
`,
    );
    const ps = await problems(s.file, s.fake);
    const shown = ps.map((p) => `${p.line}: ${p.path}: ${p.message.replace(s.dir, 'DIR')}`);
    assert.deepEqual(shown, [
      `6: images.gone: image 'gone': DIR/images/nothing-here does not exist`,
      '8: guests.a.vcpus: must be at least 1 (got 0)',
      '8: guests.a.template: template DIR/nope.xml does not exist',
      '9: guests.b.template: template broken.xml is not well-formed XML: Unexpected close tag',
      "9: guests.b.interfaces[0].network: unknown network 'lna'",
      '10: guests.c.template: template network.xml is not a libvirt domain XML (root element <network>, expected <domain>)',
      "11: guests.d.template: template '../../../../etc/shadow' is outside the lab file's folder",
    ]);
    assert.ok(
      ps.every((p) => p.hint),
      'every problem has a fix',
    );
  } finally {
    s.done();
  }
});
