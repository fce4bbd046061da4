/** How failures are reported (src/cli/error-report.ts): exit codes, fixes, the JSON document, the -- hint. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { errorReport, wantsJson } from '../../src/cli/error-report.js';
import { BugError, HostError, LockedError, UsageError, ValidationError } from '../../src/errors.js';

test("--json before -- asks for JSON; after it, it is the guest command's", () => {
  assert.equal(wantsJson(['status', '--json']), true);
  assert.equal(wantsJson(['exec', 'web', '--', 'tool', '--json']), false);
});

test('each kind of error: its exit code, message, fix and JSON', () => {
  const cases: [unknown, number, string][] = [
    [new UsageError('bad', 'do this'), 2, 'usage'],
    [new ValidationError([{ file: 'f', line: 3, column: 4, path: 'a.b', message: 'm', hint: 'h' }]), 2, 'validation'],
    [new HostError('host', 'look'), 3, 'host'],
    [new LockedError('seed', 42), 4, 'locked'],
    [new BugError('oops'), 70, 'bug'],
    [new Error('unexpected'), 70, 'bug'],
  ];
  for (const [err, code, kind] of cases) {
    const r = errorReport(err, ['status'])!;
    assert.equal(r.exitCode, code, kind);
    assert.equal(r.json.error.kind, kind);
    assert.ok(r.json.error.fix.length > 0, `${kind}: a fix`);
    assert.match(r.text, kind === 'bug' ? /^vlab bug: / : /^error: /);
  }
  const v = errorReport(new ValidationError([{ file: 'f', line: 3, column: 4, path: 'a.b', message: 'm', hint: 'h' }]), [])!;
  assert.deepEqual(v.json.problems, [{ file: 'f', line: 3, column: 4, path: 'a.b', message: 'm', fix: 'h' }]);
  assert.match(errorReport(new LockedError('seed', 42), [])!.json.error.fix, /ps -p 42/);
});

test('an unknown option after a guest name suggests --, with the command line to type', () => {
  const err = new CommanderError(1, 'commander.unknownOption', "error: unknown option '-la'");
  const r = errorReport(err, ['--lab', 'seed', 'exec', '--timeout', '5', 'web', 'ls', '-la'])!;
  assert.equal(r.exitCode, 2);
  assert.equal(r.json.error.fix, "put -- before the guest's command, so its options are not vlab's: vlab --lab seed exec --timeout 5 web -- ls -la");
  const ssh = errorReport(err, ['ssh', 'web', 'uname', '-la'])!;
  assert.match(ssh.json.error.fix, /vlab ssh web -- uname -la$/);
  const typo = errorReport(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--jsno'\n(Did you mean --json?)"), ['status', '--jsno'])!;
  assert.equal(typo.json.error.fix, 'Did you mean --json?');
  assert.equal(errorReport(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), ['--help']), undefined);
});
