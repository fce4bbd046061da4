/** The JUnit XML report of `vlab verify --junit FILE`, for CI systems. Pure. */
import xml2js from 'xml2js';
import type { Lab } from '../spec/types.js';
import { summarize, type CheckResult } from './result.js';

/** The name of one check as a test case: `FROM -> TO (ADDRESS) expect EXPECT`. */
export function testcaseName(r: CheckResult): string {
  return `${r.from} -> ${r.to} (${r.address}) expect ${r.expect}`;
}

/**
 * One `<testsuite name="vlab verify LAB">` inside `<testsuites>`, one `<testcase>` per check
 * (classname `LAB.FROM`), a `<failure>` for each failed check. All text is escaped by the builder;
 * characters XML cannot carry are dropped.
 */
export function toJunit(lab: Lab, results: readonly CheckResult[], durationSec?: number): string {
  const s = summarize(results);
  const time = durationSec !== undefined && Number.isFinite(durationSec) ? { time: Math.max(0, durationSec).toFixed(3) } : {};
  const counts = { tests: s.total, failures: s.failed, errors: 0, skipped: 0 };
  const testcases = results.map((r) => {
    const tc: Record<string, unknown> = { $: { classname: clean(`${lab.name}.${r.from}`), name: clean(testcaseName(r)) } };
    if (!r.ok) {
      const message = r.reason ?? (r.reachable ? 'reachable' : 'unreachable');
      const detail = [
        `from: ${r.from}`,
        `to: ${r.to} (${r.address})`,
        `expected: ${r.expect}`,
        `outcome: ${r.notRun ? 'not run' : r.reachable ? 'reachable' : 'unreachable'}`,
        `replies: ${r.received}/${r.sent}`,
        `reason: ${message}`,
      ].join('\n');
      tc.failure = { $: { message: clean(message), type: r.notRun ? 'not-run' : r.expect === 'reachable' ? 'unreachable' : 'reachable' }, _: clean(detail) };
    }
    return tc;
  });
  const doc = {
    testsuites: {
      $: { name: clean(`vlab verify ${lab.name}`), ...counts, ...time },
      testsuite: [{ $: { name: clean(`vlab verify ${lab.name}`), ...counts, ...time }, testcase: testcases }],
    },
  };
  const builder = new xml2js.Builder({
    xmldec: { version: '1.0', encoding: 'UTF-8' },
    renderOpts: { pretty: true, indent: '  ', newline: '\n' },
  });
  return builder.buildObject(doc) + '\n';
}

/** Drops characters XML 1.0 cannot represent (control characters other than tab and newlines). */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}
