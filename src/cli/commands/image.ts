import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createRunner } from '../../host/run.js';
import { globals } from '../options.js';
import { traceFor } from '../context.js';
import { UsageError } from '../../errors.js';

const IMAGES = fileURLToPath(new URL('../../../vm-images', import.meta.url));
const RECIPES = ['tiny'];

export function registerImage(program: Command): void {
  const image = program.command('image').description('build the guest images vlab ships recipes for');
  image
    .command('build <name>')
    .description(`build an image from Debian packages (recipes: ${RECIPES.join(', ')}); skipped when up to date`)
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      if (!RECIPES.includes(name)) throw new UsageError(`no image recipe '${name}'`, `recipes: ${RECIPES.join(', ')}`);
      const trace = traceFor(globals(cmd));
      const r = await createRunner(trace ? { trace } : {}).run(['bash', path.join(IMAGES, name, 'build.sh')], { timeoutMs: 30 * 60_000 });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
    });
}
