/**
 * `graph`: the lab's topology as a picture. Drawn from the lab file, or, when the lab is up, from
 * its recorded spec with each guest's domain state (libvirt) and the last verify (verify.json).
 * Reads only; prints nothing: returns the rendered text.
 */
import { labHosts } from './lab-hosts.js';
import type { Host } from '../host/index.js';
import { UsageError } from '../errors.js';
import { domainName } from '../render/domain-xml.js';
import { topologyOf, type LiveFacts, type Topology } from '../render/topology/model.js';
import { renderDot } from '../render/topology/dot.js';
import { renderMermaid } from '../render/topology/mermaid.js';
import { renderTopologyJson } from '../render/topology/json.js';
import { renderHtml } from '../render/topology/html.js';
import { renderSvg } from '../render/topology/svg.js';
import { FORMAT_EXTENSIONS, formatOfFile, GRAPH_FORMATS, isGraphFormat, type GraphFormat } from '../render/topology/formats.js';
import type { Lab } from '../spec/types.js';
import type { LabPaths } from '../plan/paths.js';
import { loadLabFile } from './lab-file.js';
import { storeFor } from './state.js';
import { loadVerifyRecord } from './verify-record.js';

export type { GraphFormat };

/** Printed to stdout when neither --format nor an -o name says otherwise: text that pastes into Markdown. */
export const DEFAULT_STDOUT_FORMAT: GraphFormat = 'mermaid';

export interface GraphRequest {
  /** The lab: drawn live when it is up, else from `file` (which must then be this lab). */
  lab: string;
  /** The lab file (-f): read when the lab is not up, or always with `fileOnly`. */
  file: string;
  /** The lab name was given on the command line (not read from the lab file). */
  named?: boolean;
  /** Draw the lab file even when the lab is up (no libvirt, no verify). */
  fileOnly?: boolean;
  host: Host;
  root: string;
  format: GraphFormat;
}

export interface GraphOutcome {
  lab: string;
  source: Topology['source'];
  format: GraphFormat;
  text: string;
  /** What could not be used (e.g. an unreadable verify.json); the picture is drawn without it. */
  notes: string[];
}

/** The format for `--format` and `-o`: the option, else the output file's ending, else DEFAULT_STDOUT_FORMAT. */
export function graphFormat(opts: { format?: string; output?: string }): GraphFormat {
  if (opts.format !== undefined) {
    if (!isGraphFormat(opts.format)) throw new UsageError(`unknown graph format '${opts.format}'`, `use one of: ${GRAPH_FORMATS.join(', ')}`);
    return opts.format;
  }
  if (opts.output === undefined) return DEFAULT_STDOUT_FORMAT;
  const f = formatOfFile(opts.output);
  if (!f)
    throw new UsageError(
      `cannot tell the format from the file name '${opts.output}'`,
      `name it with one of ${Object.keys(FORMAT_EXTENSIONS).join(', ')}, or pass --format ${GRAPH_FORMATS.join('|')}`,
    );
  return f;
}

export async function labGraph(req: GraphRequest): Promise<GraphOutcome> {
  const notes: string[] = [];
  const store = storeFor(req.root, req.lab);
  const state = req.fileOnly ? undefined : store.load();
  let topology: Topology;
  if (state) {
    topology = topologyOf(state.spec, await liveFacts(labHosts(state.spec, req.host).routed, state.spec, store.paths, notes));
  } else {
    topology = topologyOf(labFromFile(req));
  }
  return { lab: topology.lab, source: topology.source, format: req.format, text: await render(topology, req.format), notes };
}

/** The lab file's lab, which must be the lab asked for when it was named. */
function labFromFile(req: GraphRequest): Lab {
  let lab: Lab;
  try {
    lab = loadLabFile(req.file).lab;
  } catch (e) {
    if (e instanceof UsageError && req.named && !req.fileOnly)
      throw new UsageError(
        `lab '${req.lab}' is not up, and there is no lab file to draw it from: ${e.message}`,
        'name its lab file with -f PATH, or see `vlab ls` for the labs that are up',
      );
    throw e;
  }
  if (lab.name !== req.lab)
    throw new UsageError(
      `lab '${req.lab}' is ${req.fileOnly ? 'not the lab of' : 'not up, and it is not the lab in'} ${lab.file} (that is lab '${lab.name}')`,
      `name its lab file with -f PATH${req.fileOnly ? '' : ', or see `vlab ls` for the labs that are up'}`,
    );
  return lab;
}

/** What the host says about the up lab: each guest's domain state, and its last verify. */
async function liveFacts(host: Host, lab: Lab, paths: LabPaths, notes: string[]): Promise<LiveFacts> {
  const states = await Promise.all(lab.guests.map(async (g) => [g.name, await host.libvirt.domainState(domainName(lab, g))] as const));
  const facts: LiveFacts = { guestStates: Object.fromEntries(states) };
  const record = loadVerifyRecord(paths);
  if (record && 'problem' in record) notes.push(`the last verify is left out: ${record.problem}`);
  else if (record) facts.verify = { at: record.at, checks: record.doc.checks };
  return facts;
}

async function render(t: Topology, format: GraphFormat): Promise<string> {
  switch (format) {
    case 'dot':
      return renderDot(t);
    case 'mermaid':
      return renderMermaid(t);
    case 'json':
      return renderTopologyJson(t);
    case 'svg':
      return renderSvg(renderDot(t));
    case 'html':
      return renderHtml(t, await renderSvg(renderDot(t)));
  }
}
