/** The CLI entry point: the only place that maps errors to exit codes (through error-report.ts). */
import { buildProgram } from './program.js';
import { errorReport, wantsJson } from './error-report.js';

const args = process.argv.slice(2);
try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (err) {
  const r = errorReport(err, args);
  if (r) {
    process.stderr.write(r.text);
    if (wantsJson(args)) process.stdout.write(JSON.stringify(r.json, null, 2) + '\n');
    process.exitCode = r.exitCode;
  }
}
