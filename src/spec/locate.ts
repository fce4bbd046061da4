/** Maps a YAML path to a line and column in the lab file. Pure. */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type YamlPath = readonly (string | number)[];

/** Formats a path as `guests.web.interfaces[0].address`. */
export function formatPath(path: YamlPath): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');
}

/**
 * Line and column of the node at `path`; with `key: true` the map key itself (for unknown keys).
 * Falls back to the nearest existing ancestor.
 */
export function locate(doc: Document, lc: LineCounter, path: YamlPath, opts: { key?: boolean } = {}): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let best: Node | undefined = doc.contents ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (last && opts.key && isScalar(pair.key)) {
        best = pair.key;
        break;
      }
      node = pair.value;
      if (node && typeof node === 'object' && 'range' in node) best = node as Node;
      else if (isScalar(pair.key)) best = pair.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node && typeof node === 'object' && 'range' in node) best = node as Node;
      else break;
    } else break;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}
