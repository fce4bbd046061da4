/**
 * The seed lab built once with plain virsh + guestfish (scripts/bench-baseline.ts), inside
 * scripts/sandbox.sh, for timing as a whole process against `vlab up` (A-vs-B pairs):
 *
 *   scripts/sandbox.sh -- node --import tsx scripts/bench-seed-plain.ts
 *
 * Prints the step times as JSON.
 */
import { seedBaseline } from './bench-baseline.js';

console.log(JSON.stringify(await seedBaseline()));
