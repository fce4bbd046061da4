import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ownerFromXml, setOwner, VLAB_XMLNS } from '../../src/render/metadata.js';
import { buildXml, parseXml } from '../../src/render/xml.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/render/${name}`, import.meta.url), 'utf8');

test('ownerFromXml reads what setOwner wrote', async () => {
  const root = { name: [{ _: 'x' }] };
  setOwner(root, 'seed', 'guest', 'web');
  assert.equal(await ownerFromXml(buildXml('domain', root)), 'seed');
});

test('ownerFromXml reads libvirt dumpxml output (single quotes, uuid, extra elements)', async () => {
  assert.equal(await ownerFromXml(fixture('dumpxml-domain.xml')), 'seed');
  assert.equal(await ownerFromXml(fixture('dumpxml-network.xml')), 'seed');
});

test('ownerFromXml: untagged, foreign metadata, or another namespace → undefined', async () => {
  assert.equal(await ownerFromXml('<domain><name>x</name></domain>'), undefined);
  assert.equal(await ownerFromXml('<domain><metadata><a:owner xmlns:a="https://example.com/ns" lab="seed"/></metadata></domain>'), undefined);
  assert.equal(await ownerFromXml('<network><metadata><owner lab="seed"/></metadata></network>'), undefined);
});

test('ownerFromXml accepts any prefix, or a default namespace, bound to the vlab URI', async () => {
  assert.equal(await ownerFromXml(`<domain><metadata><v:owner xmlns:v="${VLAB_XMLNS}" lab="a"/></metadata></domain>`), 'a');
  assert.equal(await ownerFromXml(`<domain><metadata><owner xmlns="${VLAB_XMLNS}" lab="b"/></metadata></domain>`), 'b');
});

test('ownerFromXml rejects text that is not XML', async () => {
  await assert.rejects(ownerFromXml('<domain><name>'));
});

test("setOwner replaces an old vlab tag and keeps other applications' metadata", async () => {
  const { root } = await parseXml(`<domain><metadata><vlab:owner xmlns:vlab="${VLAB_XMLNS}" lab="old" guest="g"/><app:x xmlns:app="urn:app">keep</app:x></metadata></domain>`);
  setOwner(root, 'new', 'guest', 'g');
  const xml = buildXml('domain', root);
  assert.equal(await ownerFromXml(xml), 'new');
  assert.match(xml, /<app:x xmlns:app="urn:app">keep<\/app:x>/);
  assert.equal(xml.match(/owner/g)?.length, 1);
});
