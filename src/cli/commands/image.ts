import type { Command } from 'commander';
import { globals } from '../options.js';
import { traceFor } from '../context.js';
import { refuseLab } from '../lab-select.js';
import { buildImage, RECIPES } from '../../lab/image-build.js';

export function registerImage(program: Command): void {
  const image = program.command('image').description('build the guest images vlab ships recipes for');
  image
    .command('build <name>')
    .description(`build an image from Debian packages (recipes: ${RECIPES.join(', ')}); skipped when up to date`)
    .option('--json', 'print { image, built } as JSON instead of the build output')
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      refuseLab(cmd, 'images are shared by every lab');
      const g = globals(cmd);
      const trace = traceFor(g);
      const r = await buildImage(name, trace ? { trace } : {});
      if (opts.json) return void process.stdout.write(JSON.stringify({ image: name, built: true }) + '\n');
      if (!g.quiet) process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
    });
}
