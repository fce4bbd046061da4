/** The one lab-selection rule (src/cli/lab-select.ts): positional, --lab, -f, and what happens when they disagree. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { baseProgram } from '../../src/cli/program.js';
import { selectGuestLab, selectLab, selectLabFile, wholeLabArgument } from '../../src/cli/lab-select.js';
import { UsageError } from '../../src/errors.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-select-'));
const root = path.join(dir, 'state');
fs.mkdirSync(path.join(root, 'seed'), { recursive: true });
fs.writeFileSync(path.join(root, 'seed', 'state.json'), JSON.stringify({ version: 1, lab: 'seed', labFile: '/labs/seed.yaml', entries: [], spec: { guests: [] } }));
const file = path.join(dir, 'other.yaml');
fs.writeFileSync(file, 'name: other\nnetworks: {}\nguests: {}\n');

/** What `vlab ARGS` would select, through a whole-lab command `probe [lab]`, or a guest command `guest <name>`. */
async function select(args: string[]): Promise<string> {
  process.env.VLAB_STATE_DIR = root;
  let out = '';
  const program = baseProgram();
  wholeLabArgument(program.command('probe')).action((lab: string | undefined, _o: unknown, cmd: Command) => {
    out = selectLab(cmd, lab);
  });
  program.command('file').action((_o: unknown, cmd: Command) => {
    out = selectLabFile(cmd);
  });
  program
    .command('guest')
    .argument('<name>')
    .action((name: string, _o: unknown, cmd: Command) => {
      out = selectGuestLab(cmd, name, (l) => `guest --lab ${l}`);
    });
  program.commands.forEach((c) => c.exitOverride());
  await program.parseAsync(['node', 'vlab', ...args]);
  return out;
}

test('a name (positional or --lab) wins over the default lab file; without one, the name: of -f', async () => {
  assert.equal(await select(['probe', 'seed']), 'seed');
  assert.equal(await select(['--lab', 'seed', 'probe']), 'seed');
  assert.equal(await select(['probe', '--lab', 'seed']), 'seed');
  assert.equal(await select(['-f', file, 'probe']), 'other');
  assert.equal(await select(['-f', file, 'probe', 'other']), 'other');
});

test('disagreeing selections are usage errors that say what to drop', async () => {
  await assert.rejects(select(['--lab', 'a', 'probe', 'b']), (e: unknown) => e instanceof UsageError && /two labs named/.test(e.message));
  await assert.rejects(select(['-f', file, 'probe', 'seed']), (e: unknown) => e instanceof UsageError && /is lab 'other', not 'seed'/.test(e.message));
  await assert.rejects(select(['probe', 'Seed!']), (e: unknown) => e instanceof UsageError && /not a lab name/.test(e.message));
});

test('commands that read the lab file: -f, else the file --lab NAME was brought up from', async () => {
  assert.equal(await select(['-f', file, 'file']), file);
  assert.equal(await select(['--lab', 'seed', 'file']), '/labs/seed.yaml');
  await assert.rejects(select(['--lab', 'ghost', 'file']), /not up/);
});

test('a guest command whose first word is a lab gets the --lab form as its fix', async () => {
  const cwd = process.cwd();
  process.chdir(dir); // no ./vlab.yaml here
  try {
    await assert.rejects(
      select(['guest', 'seed']),
      (e: unknown) => e instanceof UsageError && /'seed' is a lab, not a guest/.test(e.message) && e.hint === 'vlab guest --lab seed',
    );
    assert.equal(await select(['--lab', 'seed', 'guest', 'web']), 'seed');
  } finally {
    process.chdir(cwd);
  }
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
