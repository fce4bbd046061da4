/** Maps a YAML path to a line and column in the lab file. Pure. */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

export type YamlPath = readonly (string | number)[];

/** Formats a path as `guests.web.interfaces[0].address`. */
export function formatPath(path: YamlPath): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');
}

/** An alias stands for the node its anchor is on. */
function resolved(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** A merge key `<<`: a plain key in YAML 1.2, a symbol when the document is parsed with `merge: true`. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'));
}

/**
 * The pair for `key` in a map, following YAML merge keys (`<<: *base` or `<<: [*a, *b]`): a key
 * written in the map wins, then the merged maps in order, as the YAML merge rules say.
 */
function findPair(doc: Document, map: YAMLMap, key: string, seen = new Set<unknown>()): Pair | undefined {
  if (seen.has(map)) return undefined;
  seen.add(map);
  const own = map.items.find((p) => isPair(p) && isScalar(p.key) && !isMergeKey(p.key) && String(p.key.value) === key);
  if (own) return own as Pair;
  for (const p of map.items) {
    if (!isPair(p) || !isMergeKey(p.key)) continue;
    const v = resolved(doc, p.value);
    const sources = isSeq(v) ? v.items.map((x) => resolved(doc, x)) : [v];
    for (const src of sources) {
      if (!isMap(src)) continue;
      const found = findPair(doc, src, key, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Line and column of the node at `path`; with `key: true` the map key itself (for unknown keys).
 * Follows aliases and merge keys to where a value is written. Falls back to the nearest existing ancestor.
 */
export function locate(doc: Document, lc: LineCounter, path: YamlPath, opts: { key?: boolean } = {}): { line: number; column: number } | undefined {
  let node: unknown = resolved(doc, doc.contents);
  let best: Node | undefined = doc.contents ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = findPair(doc, node, String(seg));
      if (!pair) break;
      if (last && opts.key && isScalar(pair.key)) {
        best = pair.key;
        break;
      }
      node = resolved(doc, pair.value);
      if (node && typeof node === 'object' && 'range' in node) best = node as Node;
      else if (isScalar(pair.key)) best = pair.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = resolved(doc, node.items[seg]);
      if (node && typeof node === 'object' && 'range' in node) best = node as Node;
      else break;
    } else break;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}
