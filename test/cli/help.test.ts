/** Every command's help: examples, its exit codes and the environment variables it reads; `vlab --help` stays light. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { baseProgram, buildProgram, registerCommands } from '../../src/cli/program.js';
import { COMMANDS, EXIT_CODES } from '../../src/cli/help.js';

function helpText(c: Command): string {
  let text = '';
  c.configureOutput({ writeOut: (s) => (text += s) });
  c.outputHelp();
  return text;
}

test('every command and subcommand shows examples, exit codes and its environment in --help', async () => {
  const program = baseProgram();
  await registerCommands(program, COMMANDS);
  const all: Command[] = [];
  const walk = (c: Command) => {
    all.push(c);
    c.commands.forEach(walk);
  };
  program.commands.forEach(walk);
  for (const c of all) {
    const entry = COMMANDS.find((e) => e.name === (c.parent === program ? c.name() : c.parent!.name()));
    assert.ok(entry, `${c.name()} has no entry in src/cli/help.ts`);
    const text = helpText(c);
    if (!entry.hidden && c.parent === program) assert.match(text, /\nExamples:\n {2}\S/, `${c.name()}: no examples`);
    assert.match(text, /\nExit codes:\n {2}0 {2}success\n[\s\S]*70 a bug in vlab/, `${c.name()}: no exit codes`);
    assert.match(text, /\nEnvironment/, `${c.name()}: no environment`);
    assert.match(text, /Global Options:\n[\s\S]*--lab <name>[\s\S]*--no-color/, `${c.name()}: the global options are shown`);
    for (const code of entry.exits) assert.ok(text.includes(`  ${String(code).padEnd(3)}${EXIT_CODES[code]}`), `${c.name()}: exit ${code}`);
  }
});

test('the examples in the help name real commands', () => {
  const names = new Set(COMMANDS.map((c) => c.name));
  for (const c of COMMANDS)
    for (const [example] of c.examples) {
      const m = /(?:^|\s|\()vlab((?:\s+-\S+(?:\s+(?!-)\S+)?)*)\s+([a-z_][a-z_-]*)/.exec(example.replace(/--lab \S+|-f \S+/g, ''));
      assert.ok(m && names.has(m[2]!), `${c.name}: ${example}`);
    }
});

test('vlab --help registers no command module (the one-line entries only)', async () => {
  const program = await buildProgram(['node', 'vlab', '--help']);
  assert.deepEqual(
    program.commands.filter((c) => c.options.length > 0).map((c) => c.name()),
    [],
  );
  assert.ok(program.commands.some((c) => c.name() === 'ssh') && program.commands.some((c) => c.name() === 'completion'));
});
