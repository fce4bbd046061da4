/**
 * Slots: bytes the plan cannot know yet (key material an earlier action of the same `up` makes)
 * stand in the planned files as `<<vlab-slot:NAME>>`. Apply fills them with `fillSlots` and
 * renders nothing; `plan` shows them as they are. Pure.
 *
 * A slot alone on its line (after indentation) takes a value of several lines, each indented
 * like the slot (so a key lands correctly inside a YAML block scalar); a slot inside a line takes
 * a one-line value.
 */

const SLOT = /<<vlab-slot:([a-z0-9.:-]+)>>/g;
const LONE = /^([ \t]*)<<vlab-slot:([a-z0-9.:-]+)>>$/;

/** The token for slot `name` (letters, digits, `.`, `:` and `-`). */
export function slot(name: string): string {
  if (!/^[a-z0-9.:-]+$/.test(name)) throw new Error(`slot: bad name '${name}'`);
  return `<<vlab-slot:${name}>>`;
}

/** The names of the slots in `text`, each once, in order. */
export function slotNames(text: string): string[] {
  return [...new Set([...text.matchAll(SLOT)].map((m) => m[1]!))];
}

/** `text` with every slot replaced by its value; throws naming a slot that has none (a bug). */
export function fillSlots(text: string, values: Readonly<Record<string, string>>): string {
  const value = (name: string): string => {
    const v = values[name];
    if (v === undefined) throw new Error(`slot '${name}' has no value`);
    return v;
  };
  return text
    .split('\n')
    .map((line) => {
      const lone = LONE.exec(line);
      if (lone) {
        const [, indent, name] = lone;
        return value(name!)
          .split('\n')
          .map((l) => (l ? indent! + l : l))
          .join('\n');
      }
      return line.replace(SLOT, (_m, name: string) => {
        const v = value(name);
        if (v.includes('\n')) throw new Error(`slot '${name}' inside a line takes one line, not ${v.split('\n').length}`);
        return v;
      });
    })
    .join('\n');
}
