/**
 * Prints the import graph between src/ folders: `FROM -> TO  (N imports)`, then any import from
 * one CLI command module into another. Usage: node --import tsx scripts/import-graph.ts [SRC_DIR]
 */
import fs from 'node:fs';
import path from 'node:path';

const src = path.resolve(process.argv[2] ?? 'src');
const files = (fs.readdirSync(src, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.ts'));
const folder = (rel: string) => (rel.includes('/') ? rel.split('/')[0]! : '(root)');
const edges = new Map<string, number>();
const commandImports: string[] = [];
for (const f of files) {
  const text = fs.readFileSync(path.join(src, f), 'utf8');
  for (const m of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = path.relative(src, path.resolve(path.dirname(path.join(src, f)), m[1]!)).replace(/\.js$/, '.ts');
    if (target.startsWith('..')) continue;
    const key = `${folder(f)} -> ${folder(target)}`;
    if (folder(f) !== folder(target)) edges.set(key, (edges.get(key) ?? 0) + 1);
    if (f.startsWith('cli/commands/') && target.startsWith('cli/commands/') && f !== target) commandImports.push(`${f} -> ${target}`);
  }
}
for (const [k, n] of [...edges].sort()) process.stdout.write(`${k.padEnd(28)} (${n} import${n === 1 ? '' : 's'})\n`);
process.stdout.write(`command -> command imports: ${commandImports.length ? '\n  ' + commandImports.join('\n  ') : 'none'}\n`);
