/** Shell completion generated from the commander tree: bash for real (in bash), zsh and fish as text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { baseProgram, registerCommands } from '../../src/cli/program.js';
import { COMMANDS } from '../../src/cli/help.js';
import { completionTree } from '../../src/cli/completion-tree.js';
import { bashCompletion, zshCompletion } from '../../src/cli/completion-bash.js';
import { fishCompletion } from '../../src/cli/completion-fish.js';
import { world } from './run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/vlab.js', import.meta.url));

async function tree() {
  const program = baseProgram();
  await registerCommands(program, COMMANDS);
  return completionTree(program);
}

test('the tree has every visible command, its options and what its positionals name', async () => {
  const t = await tree();
  const paths = t.commands.map((c) => c.path.join(' '));
  for (const c of COMMANDS.filter((x) => !x.hidden)) assert.ok(paths.includes(c.name), c.name);
  assert.ok(!paths.includes('__complete'), 'hidden commands are left out');
  const exec = t.commands.find((c) => c.path.join(' ') === 'exec')!;
  assert.deepEqual(exec.args[0], { kind: 'guest' });
  assert.deepEqual(t.commands.find((c) => c.path.join(' ') === 'status')!.args, [{ kind: 'lab' }]);
  assert.deepEqual(t.commands.find((c) => c.path.join(' ') === 'persist')!.options.find((o) => o.flags.includes('--mode'))!.value, {
    kind: 'choices',
    choices: ['systemd', 'ifupdown'],
  });
  assert.deepEqual(t.globals.find((o) => o.flags.includes('--lab'))!.value, { kind: 'lab' });
});

test('bash: commands, subcommands, options, choices, lab names from the state root and guest names of the selected lab', async () => {
  const w = world('vlab-complete-');
  try {
    fs.mkdirSync(path.join(w.root, 'seed'));
    fs.writeFileSync(path.join(w.root, 'seed', 'state.json'), JSON.stringify({ version: 1, lab: 'seed', entries: [], spec: { guests: [{ name: 'web' }, { name: 'db' }] } }));
    fs.writeFileSync(path.join(w.dir, 'vlab.yaml'), 'name: other\nnetworks: {}\nguests:\n  alpha: { interfaces: [] }\n');
    const script = path.join(w.dir, 'vlab.bash');
    fs.writeFileSync(script, bashCompletion(await tree()));
    await w.run(['ls']); // builds dist/ once when it is stale, so the completions below start fast
    const lines = [
      `vlab() { node ${BIN} "$@"; }`,
      `source ${script}`,
      'comp() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _vlab; echo "${COMPREPLY[*]}"; }',
      'comp vlab st',
      'comp vlab snapshot ""',
      'comp vlab status ""',
      'comp vlab --lab seed exec ""',
      'comp vlab exec ""',
      'comp vlab persist --mode ""',
      'comp vlab exec --ti',
      'comp vlab --l',
      'comp vlab completion ""',
      'comp vlab exec web -- ""',
    ];
    const r = await execa('bash', ['-c', lines.join('\n')], { cwd: w.dir, env: { VLAB_STATE_DIR: w.root } });
    assert.deepEqual(r.stdout.split('\n'), ['status', 'save ls restore rm', 'seed', 'web db', 'alpha', 'systemd ifupdown', '--timeout', '--lab', 'bash zsh fish', '']);
  } finally {
    w.done();
  }
});

test('zsh runs the bash function through bashcompinit; fish gets one complete line per command, option and name source', async () => {
  const t = await tree();
  const zsh = zshCompletion(t);
  assert.match(zsh, /^#compdef vlab\n/);
  assert.match(zsh, /bashcompinit/);
  assert.match(zsh, /complete -F _vlab vlab/);
  const fish = fishCompletion(t);
  for (const c of COMMANDS.filter((x) => !x.hidden)) assert.ok(fish.includes(`-n __fish_use_subcommand -a '${c.name}'`), c.name);
  assert.match(fish, /-n '__vlab_in exec' -a '\(vlab \(__vlab_selection\) __complete guests 2>\/dev\/null\)'/);
  assert.match(fish, /-n '__vlab_in status' -a '\(vlab __complete labs 2>\/dev\/null\)'/);
  assert.match(fish, /-n '__vlab_in persist' -l mode -r -f -a 'systemd ifupdown'/);
});
