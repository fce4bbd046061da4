/**
 * No user mistake ends in a bug trace: every command against a missing folder, an unreadable lab
 * file, a corrupt state file and a lab that is not up exits with a code other than 70, and a
 * failure says how to fix it. (Each case fails, or only reads, before any host adapter would
 * change anything: the world is a temp folder, the libvirt URI the test driver.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { world, limited } from './run-cli.js';

/** Each command with the arguments it needs after the lab selection. */
const COMMANDS: [name: string, args: string[]][] = [
  ['init', ['init']],
  ['validate', ['validate']],
  ['plan', ['plan']],
  ['up', ['up']],
  ['verify', ['verify']],
  ['reset', ['reset', 'web']],
  ['snapshot save', ['snapshot', 'save', 'before']],
  ['snapshot ls', ['snapshot', 'ls']],
  ['doctor', ['doctor']],
  ['down', ['down']],
  ['down --dry-run', ['down', '--dry-run']],
  ['status', ['status']],
  ['ls', ['ls']],
  ['exec', ['exec', 'web', '--', 'true']],
  ['ssh', ['ssh', 'web', '--', 'true']],
  ['ssh-config', ['ssh-config']],
  ['console', ['console', 'web', '--log']],
  ['persist', ['persist', '--dry-run']],
  ['unpersist', ['unpersist']],
  ['restore', ['restore', '--dry-run']],
  ['cache', ['cache', 'ls']],
  ['image', ['image', 'build', 'nope']],
  ['completion', ['completion', 'bash']],
];

/** Commands a selection does not apply to: --lab is refused (a usage error with its fix), -f ignored. */
const NOT_ABOUT_A_LAB = new Set(['ls', 'cache', 'image', 'completion']);

test('every command, four user mistakes: never exit 70, a failure always has a fix', { timeout: 600_000 }, async () => {
  const w = world('vlab-mistakes-');
  try {
    fs.mkdirSync(path.join(w.dir, 'a-folder'));
    const unreadable = path.join(w.dir, 'unreadable.yaml');
    fs.writeFileSync(unreadable, '\u0000\u0001 not: [a lab');
    fs.chmodSync(unreadable, 0o000);
    fs.mkdirSync(path.join(w.root, 'broken'));
    fs.writeFileSync(path.join(w.root, 'broken', 'state.json'), '{"version": 1, "entries": [');
    const scenarios: [string, (cmd: string) => string[]][] = [
      ['a missing folder', (cmd) => ['-f', path.join(w.dir, 'missing', cmd.replace(/\W+/g, '-'), 'lab.yaml')]],
      ['a folder as the lab file', () => ['-f', path.join(w.dir, 'a-folder')]],
      ['an unreadable lab file', () => ['-f', unreadable]],
      [
        'a corrupt state file',
        (cmd) => (NOT_ABOUT_A_LAB.has(cmd.split(' ')[0]!) ? [] : ['--lab', 'broken', ...(cmd === 'init' ? ['-f', path.join(w.dir, 'new-broken.yaml')] : [])]),
      ],
      ['a lab that is not up', (cmd) => (NOT_ABOUT_A_LAB.has(cmd.split(' ')[0]!) ? [] : ['--lab', 'ghost', ...(cmd === 'init' ? ['-f', path.join(w.dir, 'new-ghost.yaml')] : [])])],
    ];
    const jobs = scenarios.flatMap(([what, select]) =>
      COMMANDS.map(([name, args]) => async () => {
        const argv = [...select(name), ...args];
        return { what, name, argv, r: await w.run(argv) };
      }),
    );
    const failures: string[] = [];
    for (const { what, name, argv, r } of await limited(jobs)) {
      const where = `${name} with ${what} (vlab ${argv.join(' ').replaceAll(w.dir, '<tmp>')}): exit ${r.exitCode}\n${r.stderr}`;
      if (r.exitCode === 70 || /vlab bug/.test(r.stderr)) failures.push(`bug trace: ${where}`);
      else if (r.exitCode !== 0 && !/\n {2}fix: \S/.test(r.stderr) && !/fix: /.test(r.stderr)) failures.push(`no fix: ${where}`);
    }
    assert.deepEqual(failures, []);
    // The issue's own case: init into a folder that does not exist yet.
    const made = path.join(w.dir, 'x', 'sub', 'new.yaml');
    const init = await w.run(['-f', made, 'init']);
    assert.equal(init.exitCode, 0, init.stderr);
    assert.match(fs.readFileSync(made, 'utf8'), /^# yaml-language-server: \$schema=.*docs\/lab-file\.schema\.json\n/);
  } finally {
    fs.chmodSync(path.join(w.dir, 'unreadable.yaml'), 0o600);
    w.done();
  }
});
