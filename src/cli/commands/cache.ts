import type { Command } from 'commander';
import { cacheRoot, labCacheClear, labCacheList } from '../../lab/image-cache.js';
import { globals } from '../options.js';
import { refuseLab } from '../lab-select.js';

export function registerCache(program: Command): void {
  const cache = program.command('cache').description('the image facts vlab keeps (root route, stack, kernel), one entry per image identity');
  cache
    .command('ls')
    .description(`list the cached image facts (${cacheRoot()})`)
    .option('--json', 'print them as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      refuseLab(cmd, 'the cache is shared by every lab');
      const { root, entries } = labCacheList();
      if (opts.json) return void process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
      if (!entries.length) return void (globals(cmd).quiet || process.stdout.write(`no cached image facts in ${root}\n`));
      for (const e of entries) {
        const route = e.route.kind === 'direct' ? `direct ${e.route.fs}${e.route.partition ? ` partition ${e.route.partition}` : ''}` : `libguestfs (${e.route.reason})`;
        process.stdout.write(`${e.identity.path}  ${route}  stack: ${e.stack?.stack ?? '-'}  kernel: ${e.boot?.kernel ?? '-'}\n`);
      }
    });
  cache
    .command('clear')
    .description('remove every cached entry (the next plan or up reads the images again)')
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      refuseLab(cmd, 'the cache is shared by every lab');
      const { root, cleared: n } = labCacheClear();
      if (opts.json) process.stdout.write(JSON.stringify({ cleared: n }) + '\n');
      else if (!globals(cmd).quiet) process.stdout.write(`cleared ${n} cached image fact${n === 1 ? '' : 's'} from ${root}\n`);
    });
}
