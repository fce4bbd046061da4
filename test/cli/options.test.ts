/** Number and choice options through commander (argParser, choices, implies) instead of checks by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError, type Command, type Option } from 'commander';
import { seconds } from '../../src/cli/options.js';
import { baseProgram, registerCommands } from '../../src/cli/program.js';
import { COMMANDS } from '../../src/cli/help.js';

test('seconds(): positive numbers, at least the minimum; anything else is commander usage error', () => {
  assert.equal(seconds()('2.5'), 2.5);
  assert.equal(seconds(3)('3'), 3);
  for (const bad of ['0', '-1', 'x', '']) assert.throws(() => seconds()(bad), InvalidArgumentError);
  assert.throws(() => seconds(3)('2'), /at least 3 seconds/);
});

test('up: --junit and --ping-timeout imply --verify; --persist and persist --mode take only the known modes', async () => {
  const program = baseProgram();
  await registerCommands(program, COMMANDS);
  const cmd = (name: string) => program.commands.find((c) => c.name() === name)!;
  const option = (c: Command, flag: string) => c.options.find((o) => o.long === flag)! as Option & { implied?: Record<string, unknown> };
  assert.deepEqual(option(cmd('up'), '--junit').implied, { verify: true });
  assert.deepEqual(option(cmd('up'), '--ping-timeout').implied, { verify: true });
  assert.deepEqual(option(cmd('up'), '--persist').argChoices, ['systemd', 'ifupdown']);
  assert.equal(option(cmd('up'), '--persist').presetArg, 'systemd');
  assert.deepEqual(option(cmd('persist'), '--mode').argChoices, ['systemd', 'ifupdown']);
  for (const [name, flag] of [
    ['up', '--timeout'],
    ['up', '--uplink-timeout'],
    ['exec', '--timeout'],
    ['verify', '--ping-timeout'],
    ['restore', '--timeout'],
    ['reset', '--timeout'],
  ] as const)
    assert.ok(option(cmd(name), flag).parseArg, `${name} ${flag} is parsed by commander`);
});
