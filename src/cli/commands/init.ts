import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { globals } from '../options.js';
import { UsageError } from '../../errors.js';

const TINY = fileURLToPath(new URL('../../../vm-images/tiny', import.meta.url));

/** The example lab, modelled on the seed write-up. */
export function exampleLab(imagePath: string): string {
  return `# A vlab lab file (reference: docs/lab-file.md). Modelled on the classic hand-made lab:
# an isolated bridge with the host at 172.16.0.1/16, forwarding and MASQUERADE for traffic
# leaving it, and two guests with static addresses.
name: seed
networks:
  isolation:
    bridge: isolationbr
    cidr: 172.16.0.0/16
    gateway: 172.16.0.1
    nat: true
images:
  tiny: ${imagePath}
guests:
  web:
    image: tiny
    memory: 192
    interfaces:
      - network: isolation
        address: 172.16.0.2
  db:
    image: tiny
    memory: 192
    interfaces:
      - { network: isolation, address: 172.16.0.3 }
verify:
  # Outside targets: reachable from NAT networks, unreachable from isolated ones.
  # Put an address here that you are allowed to ping (198.18.0.2 is the sandbox's test host).
  external: [198.18.0.2]
`;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write an example lab file (refuses to overwrite without --force)')
    .option('--force', 'overwrite an existing file')
    .action((opts: { force?: boolean }, cmd: Command) => {
      const file = path.resolve(globals(cmd).file);
      if (fs.existsSync(file) && !opts.force) throw new UsageError(`${file} already exists`, 'pass --force to overwrite it, or -f OTHER.yaml');
      const rel = path.relative(path.dirname(file), TINY) || '.';
      fs.writeFileSync(file, exampleLab(rel));
      process.stdout.write(`wrote ${file}\nnext: vlab image build tiny && vlab plan && vlab up\n`);
    });
}
