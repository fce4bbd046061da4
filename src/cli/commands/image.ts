import type { Command } from 'commander';
import { globals } from '../options.js';
import { traceFor } from '../context.js';
import { buildImage, RECIPES } from '../../lab/image-build.js';

export function registerImage(program: Command): void {
  const image = program.command('image').description('build the guest images vlab ships recipes for');
  image
    .command('build <name>')
    .description(`build an image from Debian packages (recipes: ${RECIPES.join(', ')}); skipped when up to date`)
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const trace = traceFor(globals(cmd));
      const r = await buildImage(name, trace ? { trace } : {});
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
    });
}
