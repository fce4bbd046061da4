import type { Command } from 'commander';
import { createHostFromCommand, globals } from '../options.js';
import { selectLab, wholeLabArgument } from '../lab-select.js';
import { stateRootFromEnv } from '../context.js';
import { graphFormat, labGraph } from '../../lab/graph.js';
import { writeOutputFile } from '../../lab/output-file.js';

export function registerGraph(program: Command): void {
  wholeLabArgument(program.command('graph'))
    .description('draw the lab topology (networks, guests, NICs, the outside); an up lab is coloured by guest state and the last verify')
    .option('--format <format>', 'svg, html, dot, mermaid or json (default: from the -o file name, else mermaid)')
    .option('-o, --output <file>', 'write the picture to FILE (atomically) instead of stdout')
    .option('--json', 'the graph model as JSON (the same as --format json); errors as JSON too')
    .option('--file-only', 'draw the lab file even when the lab is up (no libvirt, no verify)')
    .action(async (labArg: string | undefined, opts: { format?: string; output?: string; fileOnly?: boolean; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const format = graphFormat(opts.json && opts.format === undefined ? { ...opts, format: 'json' } : opts);
      const r = await labGraph({
        lab: selectLab(cmd, labArg),
        named: labArg !== undefined,
        file: g.file,
        fileOnly: !!opts.fileOnly,
        host: createHostFromCommand(g),
        root: stateRootFromEnv(),
        format,
      });
      for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
      if (opts.output === undefined) {
        process.stdout.write(r.text);
        return;
      }
      writeOutputFile(opts.output, r.text);
      if (!g.quiet) process.stdout.write(`Wrote ${opts.output} (${r.format}, lab '${r.lab}' from ${r.source === 'live' ? 'the running lab' : 'the lab file'}).\n`);
    });
}
