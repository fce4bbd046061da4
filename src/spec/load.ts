/**
 * Lab file text → resolved Lab. Collects every problem in one pass (YAML syntax, schema,
 * cross-field) with file, line, column and YAML path, then throws one ValidationError. YAML merge
 * keys (`<<: *anchor`), `x-` extension keys and `defaults:` for guests are applied first; a
 * problem is located where its value is written. Pure: the caller reads the file.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ValidationError, type Problem } from '../errors.js';
import { LabFileSchema, type LabFile } from './schema.js';
import { formatPath, locate } from './locate.js';
import { allowedKeysAt, problemsFromIssues, type RawProblem } from './zod-problems.js';
import { didYouMean } from './suggest.js';
import { resolveLab, UNSET } from './semantic.js';
import { stripExtensions } from './extensions.js';
import { applyGuestDefaults, sourcePath } from './guest-defaults.js';
import type { Lab } from './types.js';
import type { z } from 'zod';

export interface LabAnalysis {
  /** The lab, when the file has no problem. */
  lab?: Lab;
  /**
   * The lab as far as it resolves despite its problems (values the schema rejected left out), for
   * the checks that need the host (images, templates) to run in the same pass. Absent when the
   * file is not a YAML mapping.
   */
  partial?: Lab;
  /** Every problem found so far, in file order. */
  problems: Problem[];
  /** Keys of images: (the other image names are paths written on guests). */
  declaredImages: string[];
  /** Locates problems found later (images, templates) in this file, as the others. */
  locate(raw: RawProblem[]): Problem[];
}

/** Parses the lab file; a ValidationError with every problem when it is invalid. */
export function parseLab(text: string, labPath: string): Lab {
  const a = analyseLab(text, labPath);
  if (a.problems.length || !a.lab) throw new ValidationError(a.problems);
  return a.lab;
}

/** Every problem of the lab file in one pass, and the lab (or as much of it as resolves). */
export function analyseLab(text: string, labPath: string): LabAnalysis {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: true });
  const none = (problems: Problem[]): LabAnalysis => ({
    problems,
    declaredImages: [],
    locate: (raw) => raw.map((p) => ({ file: labPath, path: formatPath(p.path), message: p.message })),
  });
  if (doc.errors.length) return none(doc.errors.map((e) => yamlProblem(e, text, lc, labPath)));
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return none([{ file: labPath, line: 1, column: 1, path: '', message: 'a lab file must be a YAML mapping', hint: 'start from `vlab init`' }]);
  }
  const { data, inherited } = applyGuestDefaults(stripExtensions(raw));
  const seen = new Set<string>();
  const locateAll = (ps: RawProblem[]): Problem[] => {
    const out: Problem[] = [];
    for (const p of ps) {
      const at = sourcePath(p.path, inherited);
      const key = `${formatPath(at)}\u0000${p.message}`;
      if (seen.has(key)) continue; // one inherited mistake, reported once for all the guests that share it
      seen.add(key);
      const pos = locate(doc as Document, lc, at, { key: p.atKey });
      // A value merged into several guests from one anchor: one problem, at the anchor.
      const where = pos ? `${pos.line}:${pos.column}\u0000${p.message}` : undefined;
      if (where && seen.has(where)) continue;
      if (where) seen.add(where);
      out.push({ file: labPath, ...(pos ?? {}), path: formatPath(at), message: p.message, ...(p.hint ? { hint: p.hint } : {}) });
    }
    return out;
  };
  const declaredImages = Object.keys(((data as { images?: unknown }).images ?? {}) as object);
  const parsed = LabFileSchema.safeParse(data);
  if (parsed.success) {
    const { lab, problems } = resolveLab(parsed.data, labPath);
    return { ...(problems.length ? {} : { lab }), partial: lab, problems: sortProblems(locateAll(problems)), declaredImages, locate: locateAll };
  }
  // Schema problems first; then, so that one run reports everything, the cross-field rules on a
  // copy where each rejected value is left out (a required one stands in as UNSET, which every
  // rule skips).
  const schemaProblems = problemsFromIssues(parsed.error.issues, data);
  const repaired = repair(data, parsed.error.issues);
  const problems = locateAll(schemaProblems);
  if (!repaired) return { problems: sortProblems(problems), declaredImages, locate: locateAll };
  const schemaPaths = new Set(schemaProblems.map((p) => formatPath(sourcePath(p.path, inherited))));
  const { lab, problems: more } = resolveLab(repaired, labPath);
  problems.push(...locateAll(more.filter((p) => !schemaPaths.has(formatPath(sourcePath(p.path, inherited))))));
  return { partial: lab, problems: sortProblems(problems), declaredImages, locate: locateAll };
}

/**
 * Problems found after loading (e.g. an image that is missing or not qcow2), located in the same
 * file so they read like every other validation problem.
 */
export function locateProblems(text: string, labPath: string, raw: RawProblem[]): Problem[] {
  return analyseLab(text, labPath).locate(raw);
}

type Issue = z.core.$ZodIssue;

/** The data with every rejected value left out or stood in for, until it fits the schema (a few rounds); undefined when it cannot be made to. */
function repair(data: unknown, first: readonly Issue[]): LabFile | undefined {
  const copy = structuredClone(data) as Record<string, unknown>;
  let issues = first;
  const rejected = new Set<string>();
  for (let round = 0; round < 6; round++) {
    for (const issue of issues) {
      if (issue.path.length === 1) rejected.add(String(issue.path[0]));
      fix(copy, issue);
    }
    const again = LabFileSchema.safeParse(copy);
    if (again.success) return forgetReferences(again.data, rejected);
    issues = again.error.issues;
  }
  return undefined;
}

/** References into a whole section the schema rejected (networks:, images:, guests:) are not checked: they would only repeat that problem. */
function forgetReferences(file: LabFile, rejected: ReadonlySet<string>): LabFile {
  for (const g of Object.values(file.guests)) {
    if (rejected.has('networks')) for (const i of g.interfaces) i.network = UNSET;
    if (rejected.has('images') && g.image !== undefined && !/[/.]/.test(g.image)) g.image = UNSET;
  }
  if (rejected.has('guests'))
    for (const c of file.verify.checks) {
      c.from = UNSET;
      c.to = UNSET;
    }
  return file;
}

/** Stand-ins for a missing or rejected value the schema requires, by the type it expects. */
function standIn(expected: string, path: readonly PropertyKey[]): unknown {
  if (path.length === 1 && path[0] === 'name') return 'unnamed';
  if (expected === 'string') return UNSET;
  if (expected === 'object' || expected === 'record') return {};
  if (expected === 'array') return [];
  return undefined;
}

function fix(root: Record<string, unknown>, issue: Issue): void {
  const path = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    const here = valueAt(root, path) as Record<string, unknown> | undefined;
    for (const k of issue.keys) {
      // A likely typo (`imgae:`) is read as the key it was meant to be, so its value is checked too.
      const meant = didYouMean(k, allowedKeysAt(path));
      if (here && meant && here[meant] === undefined) here[meant] = here[k];
      setAt(root, [...path, k], undefined);
    }
    return;
  }
  if (issue.code === 'invalid_type') return setAt(root, path, standIn(issue.expected, path));
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'array') {
    const arr = valueAt(root, path);
    if (!Array.isArray(arr)) return;
    if (issue.code === 'too_big') arr.length = Number(issue.maximum);
    else while (arr.length < Number(issue.minimum)) arr.push({});
    return;
  }
  if (issue.code === 'invalid_format' && path.length === 1 && path[0] === 'name') return setAt(root, path, 'unnamed');
  setAt(root, path, undefined); // an optional value, or one with a default: left out
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Sets (or, with undefined, deletes) the value at path; in an array an element is replaced, never removed (indices stay). */
function setAt(root: unknown, path: (string | number)[], value: unknown): void {
  if (!path.length) return;
  const parent = valueAt(root, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return;
  const last = path[path.length - 1]!;
  if (value === undefined && !Array.isArray(parent)) delete (parent as Record<string | number, unknown>)[last];
  else (parent as Record<string | number, unknown>)[last] = value;
}

function yamlProblem(e: { code: string; message: string; pos: [number, number] }, text: string, lc: LineCounter, labPath: string): Problem {
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
}

function yamlHint(code: string): string {
  if (code === 'DUPLICATE_KEY') return 'remove or rename the repeated key (each key may appear once per mapping)';
  if (code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs';
  return 'check indentation, and look for an unclosed { [ or quote on this line or the one above';
}

function sortProblems(ps: Problem[]): Problem[] {
  return [...ps].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
