/** The output formats of `vlab graph` and which one a file name asks for. Pure. */

export const GRAPH_FORMATS = ['svg', 'html', 'dot', 'mermaid', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** File name endings and the format each one means. */
export const FORMAT_EXTENSIONS: Record<string, GraphFormat> = {
  '.svg': 'svg',
  '.html': 'html',
  '.htm': 'html',
  '.dot': 'dot',
  '.gv': 'dot',
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.json': 'json',
};

export function isGraphFormat(text: string): text is GraphFormat {
  return (GRAPH_FORMATS as readonly string[]).includes(text);
}

/** The format a file name's ending asks for (case-insensitive); undefined for any other ending. */
export function formatOfFile(file: string): GraphFormat | undefined {
  const m = /\.[A-Za-z]+$/.exec(file);
  return m ? FORMAT_EXTENSIONS[m[0].toLowerCase()] : undefined;
}
