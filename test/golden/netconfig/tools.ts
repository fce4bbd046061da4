/**
 * Helpers of the netconfig parser tests (not a golden file): skipping visibly when a Debian
 * package is missing, a strict INI reader, and scratch folders.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';

/** True when `path` exists; otherwise marks the test skipped with the package to install. */
export function needs(t: TestContext, path: string, pkg: string): boolean {
  if (existsSync(path)) return true;
  t.skip(`needs ${pkg}: apt-get install -y --no-install-recommends ${pkg}`);
  return false;
}

/** A scratch folder removed after the file's tests. */
export function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `vlab-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One INI file: sections in order, each with its `key=value` pairs in order. */
export type Ini = { section: string; entries: [string, string][] }[];

/**
 * Reads INI text strictly: `#`/`;` comments and blank lines, `[Section]` headers, `Key=Value`
 * lines (no spaces around `=`) inside a section. Anything else fails the test.
 */
export function parseIni(text: string, name: string): Ini {
  const out: Ini = [];
  text.split('\n').forEach((line, i) => {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const head = /^\[([A-Za-z0-9-]+)\]$/.exec(line);
    if (head) {
      assert.ok(!out.some((s) => s.section === head[1]), `${name}:${i + 1}: section [${head[1]}] repeated`);
      out.push({ section: head[1]!, entries: [] });
      return;
    }
    const kv = /^([A-Za-z0-9-]+)=(\S.*)$/.exec(line);
    assert.ok(kv, `${name}:${i + 1}: not a key=value line: ${JSON.stringify(line)}`);
    assert.ok(out.length > 0, `${name}:${i + 1}: key outside any section`);
    out[out.length - 1]!.entries.push([kv[1]!, kv[2]!]);
  });
  return out;
}

/** `section.key` → value (a repeated key fails). */
export function iniMap(ini: Ini, name: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const s of ini) {
    for (const [k, v] of s.entries) {
      const key = `${s.section}.${k}`;
      assert.ok(!map.has(key), `${name}: ${key} set twice`);
      map.set(key, v);
    }
  }
  return map;
}
