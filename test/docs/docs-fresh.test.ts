/**
 * The committed docs/lab-file.md and docs/lab-file.schema.json are what scripts/gen-docs.ts
 * renders from the current schema: a schema change without `npm run docs:gen` fails here.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { CROSS_FIELD_RULES, REFERENCE_PATH, renderDocs, SCHEMA_PATH, schemaSections } from '../../scripts/gen-docs.js';
import { parseLab } from '../../src/spec/load.js';
import { CLI_PATH, renderCliReference } from '../../scripts/gen-cli-docs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const rendered = renderDocs(ROOT);

for (const rel of [SCHEMA_PATH, REFERENCE_PATH]) {
  test(`${rel} is up to date`, () => {
    const file = join(ROOT, rel);
    assert.ok(existsSync(file), `${rel} is missing: run \`npm run docs:gen\``);
    const committed = readFileSync(file, 'utf8');
    assert.ok(committed === rendered[rel], `${rel} is stale: run \`npm run docs:gen\` and commit the result`);
  });
}

test(`${CLI_PATH} is up to date: every command and flag as the help shows it`, async () => {
  const committed = readFileSync(join(ROOT, CLI_PATH), 'utf8');
  assert.ok(committed === (await renderCliReference()), `${CLI_PATH} is stale: run \`npm run docs:gen\` and commit the result`);
});

test('the JSON Schema is valid JSON describing the lab file', () => {
  const schema = JSON.parse(rendered[SCHEMA_PATH]!) as { type: string; properties: Record<string, unknown>; required: string[] };
  assert.equal(schema.type, 'object');
  assert.deepEqual(Object.keys(schema.properties), ['name', 'accel', 'networks', 'images', 'defaults', 'hosts', 'vxlan', 'guests', 'verify', 'test']);
  for (const k of ['name', 'networks', 'guests']) assert.ok(schema.required.includes(k), `${k} is required`);
});

test('the reference documents every key of the schema', () => {
  const md = rendered[REFERENCE_PATH]!;
  const sections = schemaSections();
  assert.deepEqual(
    sections.map((s) => s.path),
    ['', 'networks.<name>', 'defaults', 'vxlan', 'guests.<name>', 'guests.<name>.interfaces[]', 'verify', 'verify.checks[]', 'test'],
  );
  for (const s of sections) for (const k of s.keys) assert.ok(md.includes(`| \`${k.key}\` |`), `${s.path || 'top level'}.${k.key} missing`);
  const memory = sections.find((s) => s.path === 'guests.<name>')!.keys.find((k) => k.key === 'memory')!;
  assert.deepEqual({ type: memory.type, presence: memory.presence, allowed: memory.allowed }, { type: 'integer', presence: 'default: `512`', allowed: '64–262144' });
  for (const { rules } of CROSS_FIELD_RULES) for (const r of rules) assert.ok(md.includes(r));
  for (const key of ['disk', 'kernel', 'initrd', 'cmdline', 'netconfig', 'exec', 'boot']) assert.ok(md.includes(`| \`${key}\` |`), `image.yaml key ${key}`);
  assert.match(md, /# yaml-language-server: \$schema=/);
});

test('the example in the reference is the seed lab, and it is valid', () => {
  const md = rendered[REFERENCE_PATH]!;
  const seed = readFileSync(join(ROOT, 'examples/seed.yaml'), 'utf8');
  assert.ok(md.includes('```yaml\n' + seed.trimEnd() + '\n```'));
  assert.equal(parseLab(seed, '/labs/seed.yaml').name, 'seed');
  // Every YAML block of the reference parses (the image.yaml and editor snippets too).
  for (const m of md.matchAll(/```yaml\n([\s\S]*?)```/g)) parseYaml(m[1]!);
});
