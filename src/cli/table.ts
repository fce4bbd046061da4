/** Column tables for people (status, ls, snapshot ls, up's guest table): cli-table3, no borders, widths by string-width. Pure. */
import Table from 'cli-table3';

const NONE = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  'right-mid': '',
  right: '',
};

/** Rows (the first is the header) as aligned columns, indented by two spaces, two spaces between columns. */
export function table(rows: string[][]): string {
  const t = new Table({ chars: { ...NONE, left: '  ', middle: '  ' }, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  t.push(...rows);
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}
