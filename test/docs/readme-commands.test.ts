/** The README's command list is the CLI's: a command added to one and not the other fails here. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COMMANDS } from '../../src/cli/help.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The command names in the README's "Using it on your lab host" block: the first word after `vlab` (and its global options). */
function readmeCommands(): string[] {
  const section = README.slice(README.indexOf('## Using it on your lab host'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  const names = new Set<string>();
  for (const line of block.split('\n')) {
    const words = line.split('#')[0]!.trim().split(/\s+/);
    if (words[0] !== 'vlab') continue;
    let i = 1;
    while (words[i]?.startsWith('-')) i += ['-f', '--file', '--lab', '-c', '--connect'].includes(words[i]!) ? 2 : 1;
    if (words[i]) names.add(words[i]!);
  }
  return [...names].sort();
}

test('the README lists every command of the CLI, and no other', () => {
  const cli = COMMANDS.filter((c) => !c.hidden).map((c) => c.name);
  assert.deepEqual(readmeCommands(), [...new Set(cli)].sort());
});

test('the README points at the generated command reference', () => {
  assert.match(README, /\[docs\/cli\.md\]\(docs\/cli\.md\)/);
});
