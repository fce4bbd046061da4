/**
 * vlab's ownership tag inside libvirt `<metadata>`: it marks domains and networks as belonging
 * to one lab, so `down` and `doctor` touch only what vlab made. Pure.
 */
import { attr, childTags, children, parseXml, type XmlNode } from './xml.js';

/** Namespace URI of vlab's metadata element. Stable: changing it orphans existing labs. */
export const VLAB_XMLNS = 'https://vlab.dev/xmlns/vlab/1';
/** Namespace prefix vlab writes (readers accept any prefix bound to VLAB_XMLNS). */
export const VLAB_PREFIX = 'vlab';

/** What a tagged object is: a guest's domain or a lab network. */
export type OwnedKind = 'guest' | 'network';

/** The `<vlab:owner xmlns:vlab=... lab=... guest|network=.../>` element. */
export function ownerElement(lab: string, kind: OwnedKind, name: string): XmlNode {
  return { $: { [`xmlns:${VLAB_PREFIX}`]: VLAB_XMLNS, lab, [kind]: name } };
}

/** True when `tag` (a child tag of `<metadata>`) with element `node` is vlab's owner element. */
export function isOwnerElement(tag: string, node: XmlNode): boolean {
  const [prefix, local] = tag.includes(':') ? tag.split(':', 2) : [undefined, tag];
  if (local !== 'owner') return false;
  return attr(node, prefix ? `xmlns:${prefix}` : 'xmlns') === VLAB_XMLNS;
}

/**
 * Puts vlab's owner element into the object's `<metadata>` (created when missing), replacing
 * any previous vlab owner element and keeping every other application's metadata.
 */
export function setOwner(root: XmlNode, lab: string, kind: OwnedKind, name: string): void {
  const metadata = children(root, 'metadata')[0] ?? {};
  for (const tag of childTags(metadata)) {
    const kept = children(metadata, tag).filter((n) => !isOwnerElement(tag, n));
    if (kept.length > 0) metadata[tag] = kept;
    else delete metadata[tag];
  }
  metadata[`${VLAB_PREFIX}:owner`] = [ownerElement(lab, kind, name)];
  root.metadata = [metadata];
}

/**
 * The lab name in a domain or network XML's vlab owner tag; undefined when the object carries
 * no such tag (not vlab's). Rejects when the text is not well-formed XML.
 */
export async function ownerFromXml(xmlText: string): Promise<string | undefined> {
  const { root } = await parseXml(xmlText);
  for (const metadata of children(root, 'metadata')) {
    for (const tag of childTags(metadata)) {
      for (const node of children(metadata, tag)) {
        if (isOwnerElement(tag, node)) return attr(node, 'lab');
      }
    }
  }
  return undefined;
}
