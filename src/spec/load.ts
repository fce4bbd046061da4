/**
 * Lab file text → resolved Lab. Collects every problem (YAML syntax, schema, cross-field) with
 * file, line, column and YAML path, then throws one ValidationError. Pure: the caller reads the file.
 */
import { LineCounter, parseDocument } from 'yaml';
import { ValidationError, type Problem } from '../errors.js';
import { LabFileSchema } from './schema.js';
import { formatPath, locate } from './locate.js';
import { problemsFromIssues, type RawProblem } from './zod-problems.js';
import { resolveLab } from './semantic.js';
import type { Lab } from './types.js';

export function parseLab(text: string, labPath: string): Lab {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ValidationError(
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        if (e.code === 'DUPLICATE_KEY') {
          const key = text.slice(e.pos[0]).split('\n')[0]!.split(':')[0]!.trim();
          return { file: labPath, line: pos.line, column: pos.col, path: '', message: `YAML syntax: duplicate key '${key}'`, hint: yamlHint(e.code) };
        }
        return {
          file: labPath,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
          hint: yamlHint(e.code),
        };
      }),
    );
  }
  const data: unknown = doc.toJS();
  const toProblem = (p: RawProblem): Problem => {
    const pos = locate(doc, lc, p.path, { key: p.atKey });
    return { file: labPath, ...(pos ?? {}), path: formatPath(p.path), message: p.message, ...(p.hint ? { hint: p.hint } : {}) };
  };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ValidationError([{ file: labPath, line: 1, column: 1, path: '', message: 'a lab file must be a YAML mapping', hint: 'start from `vlab init`' }]);
  }
  const parsed = LabFileSchema.safeParse(data);
  if (parsed.success) {
    const { lab, problems } = resolveLab(parsed.data, labPath);
    if (!lab) throw new ValidationError(sortProblems(problems.map(toProblem)));
    return lab;
  }
  // Schema problems first; then, so that one run reports everything, the cross-field rules on a
  // copy with the offending values removed (when what is left still fits the schema).
  const raw = problemsFromIssues(parsed.error.issues, data);
  const pruned = structuredClone(data) as Record<string, unknown>;
  for (const issue of parsed.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const k of keys) removeAt(pruned, k as (string | number)[]);
  }
  const again = LabFileSchema.safeParse(pruned);
  if (again.success) {
    const seen = new Set(raw.map((p) => formatPath(p.path)));
    raw.push(...resolveLab(again.data, labPath).problems.filter((p) => !seen.has(formatPath(p.path))));
  }
  throw new ValidationError(sortProblems(raw.map(toProblem)));
}

/**
 * Problems found after loading (e.g. an image that is missing or not qcow2), located in the same
 * file so they read like every other validation problem.
 */
export function locateProblems(text: string, labPath: string, raw: RawProblem[]): Problem[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  return raw.map((p) => {
    const pos = locate(doc, lc, p.path, { key: p.atKey });
    return { file: labPath, ...(pos ?? {}), path: formatPath(p.path), message: p.message, ...(p.hint ? { hint: p.hint } : {}) };
  });
}

function removeAt(root: unknown, path: (string | number)[]): void {
  let v: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (v === null || typeof v !== 'object') return;
    v = (v as Record<string | number, unknown>)[path[i]!];
  }
  if (v !== null && typeof v === 'object' && path.length) delete (v as Record<string | number, unknown>)[path[path.length - 1]!];
}

function yamlHint(code: string): string {
  if (code === 'DUPLICATE_KEY') return 'remove or rename the repeated key (each key may appear once per mapping)';
  if (code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs';
  return 'check indentation, and look for an unclosed { [ or quote on this line or the one above';
}

function sortProblems(ps: Problem[]): Problem[] {
  return [...ps].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
