/** An argv as one line a POSIX shell would split back into the same words (for traces and error messages). */
import { quote } from 'shell-quote';

/** Words that need no quoting stay bare (readable `-o Key=value`); every other word is quoted by shell-quote. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : quote([a]))).join(' ');
}
