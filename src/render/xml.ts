/**
 * Small helpers over xml2js: one normalised tree shape for parsed and built XML, so renderers
 * edit objects and xml2js does all escaping. Pure: no I/O.
 *
 * Shape: every element is an `XmlNode`; attributes under `$`, text under `_`, children under
 * their tag name as arrays (document order is kept per tag name, not across tag names — libvirt
 * does not care).
 */
import { Builder, parseStringPromise } from 'xml2js';

/** Attributes of one element. */
export type Attrs = Record<string, string>;

/** One XML element in xml2js's shape (explicitArray, explicitCharkey, empty tags as `{}`). */
export interface XmlNode {
  $?: Attrs;
  _?: string;
  [child: string]: XmlNode[] | Attrs | string | undefined;
}

/** A parsed document: the root element's tag name and the element. */
export interface XmlDocument {
  name: string;
  root: XmlNode;
}

/** Parses XML text into the normalised shape; rejects when the text is not well-formed XML. */
export async function parseXml(text: string): Promise<XmlDocument> {
  const parsed: unknown = await parseStringPromise(text, {
    explicitArray: true,
    explicitCharkey: true,
    explicitRoot: true,
    emptyTag: () => ({}),
  });
  if (!parsed || typeof parsed !== 'object') throw new Error('empty XML document');
  const [name, root] = Object.entries(parsed as Record<string, XmlNode>)[0] ?? [];
  if (!name || !root) throw new Error('empty XML document');
  return { name, root };
}

/** Serialises a tree as XML without declaration, two-space indented, with a final newline. */
export function buildXml(name: string, root: XmlNode): string {
  const builder = new Builder({ headless: true, renderOpts: { pretty: true, indent: '  ', newline: '\n' } });
  return builder.buildObject({ [name]: root }) + '\n';
}

/** A new element with the given attributes (undefined values are left out), children and text. */
export function el(attrs?: Record<string, string | number | undefined>, children?: Record<string, XmlNode[]>, text?: string | number): XmlNode {
  const node: XmlNode = {};
  const kept = Object.entries(attrs ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
  if (kept.length > 0) node.$ = Object.fromEntries(kept.map(([k, v]) => [k, String(v)]));
  if (text !== undefined) node._ = String(text);
  for (const [tag, list] of Object.entries(children ?? {})) if (list.length > 0) node[tag] = list;
  return node;
}

/** The child elements named `tag` (empty when there are none). */
export function children(node: XmlNode, tag: string): XmlNode[] {
  if (tag === '$' || tag === '_') return [];
  const v = node[tag];
  return Array.isArray(v) ? v : [];
}

/** The first child element named `tag`, if any. */
export function child(node: XmlNode, tag: string): XmlNode | undefined {
  return children(node, tag)[0];
}

/** The first child named `tag`, created (empty) when missing. */
export function ensureChild(node: XmlNode, tag: string): XmlNode {
  const found = child(node, tag);
  if (found) return found;
  const created: XmlNode = {};
  node[tag] = [created];
  return created;
}

/** Replaces all children named `tag` with `list`; removes the tag when `list` is empty. */
export function setChildren(node: XmlNode, tag: string, list: XmlNode[]): void {
  if (list.length > 0) node[tag] = list;
  else delete node[tag];
}

/** Removes the children named `tag` for which `drop` is true. */
export function removeChildren(node: XmlNode, tag: string, drop: (n: XmlNode) => boolean = () => true): void {
  setChildren(
    node,
    tag,
    children(node, tag).filter((n) => !drop(n)),
  );
}

/** An attribute's value, if set. */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  return node?.$?.[name];
}

/** The element's text content (trimmed), if any. */
export function text(node: XmlNode | undefined): string | undefined {
  return node?._?.trim();
}

/** The tag names of the element's children, in their current order. */
export function childTags(node: XmlNode): string[] {
  return Object.keys(node).filter((k) => k !== '$' && k !== '_');
}

/**
 * Reorders the element's children so that the tags in `order` come first, in that order; other
 * tags follow in their current order. Attributes and text stay first. Serialisation only.
 */
export function orderChildren(node: XmlNode, order: readonly string[]): void {
  const tags = childTags(node);
  const sorted = [...order.filter((t) => tags.includes(t)), ...tags.filter((t) => !order.includes(t))];
  const saved = Object.fromEntries(sorted.map((t) => [t, node[t]]));
  for (const t of tags) delete node[t];
  for (const t of sorted) node[t] = saved[t];
}
