/**
 * The HTML page: one self-contained file (inline SVG, CSS, no script, no URL), and, when
 * Chromium is installed, what a browser shows of it: a screenshot that is not blank and has the
 * picture's colours in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import xml2js from 'xml2js';
import { parseLab } from '../../src/spec/load.js';
import { deriveChecks } from '../../src/verify/checks.js';
import { topologyOf, type Topology } from '../../src/render/topology/model.js';
import { renderDot } from '../../src/render/topology/dot.js';
import { renderSvg } from '../../src/render/topology/svg.js';
import { escapeHtml, inlineSvg, renderHtml } from '../../src/render/topology/html.js';
import { GUEST_STYLES, NETWORK_STYLES } from '../../src/render/topology/style.js';
import { countColour, countNonWhite, readPng } from './png.js';

const SEED_FILE = fileURLToPath(new URL('../../examples/seed.yaml', import.meta.url));
const SEED = parseLab(fs.readFileSync(SEED_FILE, 'utf8'), SEED_FILE);

/** The seed lab up: both guests running, every check passed but db's ping of the outside. */
function seedLive(): Topology {
  const checks = deriveChecks(SEED).map((c) => {
    const ok = !(c.from === 'db' && c.target === 'external');
    return { from: c.from, to: c.to, address: c.address, expect: c.expect, ok, reason: ok ? null : 'no reply' };
  });
  return topologyOf(SEED, { guestStates: { web: 'running', db: 'running' }, verify: { at: '2025-06-01T12:00:00Z', checks } });
}

async function page(t: Topology): Promise<string> {
  return renderHtml(t, await renderSvg(renderDot(t)));
}

test('html: one self-contained page with the picture inline and nothing to fetch', async () => {
  for (const t of [topologyOf(SEED), seedLive()]) {
    const html = await page(t);
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<meta charset="utf-8">/);
    assert.match(html, /<style>[\s\S]+<\/style>/);
    assert.equal((html.match(/<svg\b/g) ?? []).length, 1, 'exactly one inline <svg>');
    assert.doesNotMatch(html, /https?:\/\//, 'no URL anywhere (no fetch, no namespace URL)');
    assert.doesNotMatch(html, /<script\b|<link\b|<iframe\b|<img\b|\bsrc=|@import|url\(/i, 'no script, link, image or import');
    assert.doesNotMatch(html, /<\?xml|<!DOCTYPE svg/, 'no XML prologue inside the page');
    for (const w of ['web', 'db', 'isolation', 'isolationbr', '172.16.0.2/16', '52:54:00:12:34:56']) assert.ok(html.includes(w), `names ${w}`);
  }
});

test('html: an up lab gets the guest states, the check colours in the legend and the verify table', async () => {
  const file = await page(topologyOf(SEED));
  const live = await page(seedLive());
  assert.doesNotMatch(file, /<th>state<\/th>|Last verify|check failed/);
  assert.match(live, /<th>state<\/th>/);
  assert.match(live, /<h2>Last verify \(2025-06-01T12:00:00Z\): 5 of 6 passed<\/h2>/);
  assert.match(live, /<td class="fail">FAIL: no reply<\/td>/);
  assert.match(live, /check passed<\/li>/);
});

test('html: the inline SVG parses as XML; text is escaped', async () => {
  const svg = inlineSvg(await renderSvg(renderDot(topologyOf(SEED))));
  assert.match(svg, /^<svg\b/);
  assert.doesNotMatch(svg, /xmlns|<!--/);
  await xml2js.parseStringPromise(svg);
  assert.equal(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
});

/** Chromium's binary, or why the browser test cannot run. */
function findChromium(): { bin: string } | { skip: string } {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    for (const name of ['chromium', 'chromium-browser']) if (fs.existsSync(path.join(dir, name))) return { bin: path.join(dir, name) };
  }
  return { skip: 'chromium is not installed (apt-get install chromium; scripts/bootstrap.sh installs it)' };
}

/** `unshare -n` when it works here (root): the browser then runs without any network at all. */
async function noNetwork(): Promise<string[]> {
  const r = await execa('unshare', ['-n', 'true'], { reject: false });
  return r.exitCode === 0 ? ['unshare', '-n'] : [];
}

const chromium = findChromium();

test('html in headless Chromium: the screenshot is a real picture with the lab in it', { skip: 'skip' in chromium ? chromium.skip : false, timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-graph-browser-'));
  try {
    const html = path.join(dir, 'seed.html');
    const png = path.join(dir, 'seed.png');
    fs.writeFileSync(html, await page(seedLive()));
    const [wrap, ...wrapArgs] = [...(await noNetwork()), (chromium as { bin: string }).bin];
    const args = [
      ...wrapArgs,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      `--screenshot=${png}`,
      '--window-size=1200,800',
      pathToFileURL(html).href,
    ];
    const r = await execa(wrap!, args, { reject: false, timeout: 90_000, env: { HOME: dir } });
    assert.ok(fs.existsSync(png), `chromium wrote no screenshot (exit ${r.exitCode}):\n${r.stderr}`);
    const size = fs.statSync(png).size;
    assert.ok(size > 10_000, `the screenshot is ${size} bytes: too small to show anything`);
    const img = readPng(fs.readFileSync(png));
    assert.deepEqual([img.width, img.height], [1200, 800]);
    const share = countNonWhite(img) / (img.width * img.height);
    assert.ok(share > 0.03, `only ${(share * 100).toFixed(1)}% of the screenshot is not white: blank?`);
    // The NAT network's fill and the running guests' fill are on screen: the SVG was drawn.
    assert.ok(countColour(img, NETWORK_STYLES.nat.fill) > 2000, 'the NAT network is drawn');
    assert.ok(countColour(img, GUEST_STYLES.running.fill) > 1000, 'the running guests are drawn');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
