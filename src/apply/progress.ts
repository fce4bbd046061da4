/**
 * How long work reports as it goes: typed events. The apply step and the core (src/lab) emit
 * them; the CLI renders them (src/ui/progress.ts), tests ignore or collect them. Nothing here
 * prints.
 */

/** One step of progress. Phases do not nest: a `phase` ends with `done` or `failed`. */
export type LabEvent =
  /** A phase starts (e.g. "Host networking"). */
  | { type: 'phase'; title: string }
  /** What the current phase is doing now (e.g. the action being made). */
  | { type: 'update'; text: string }
  /** The current phase ended well, with an optional summary ("4 changes"). */
  | { type: 'done'; text?: string }
  /** The current phase failed. */
  | { type: 'failed'; text?: string }
  /** A line of its own (e.g. one per guest that is ready). */
  | { type: 'line'; text: string };

export type OnEvent = (e: LabEvent) => void;

/** The method form the apply step uses; each call is one event. */
export interface Progress {
  phase(title: string): void;
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  line(text: string): void;
}

/** A Progress that turns each call into an event for `onEvent` (none: the events are dropped). */
export function eventProgress(onEvent: OnEvent | undefined): Progress {
  const emit = onEvent ?? (() => undefined);
  return {
    phase: (title) => emit({ type: 'phase', title }),
    update: (text) => emit({ type: 'update', text }),
    succeed: (text) => emit(text === undefined ? { type: 'done' } : { type: 'done', text }),
    fail: (text) => emit(text === undefined ? { type: 'failed' } : { type: 'failed', text }),
    line: (text) => emit({ type: 'line', text }),
  };
}
