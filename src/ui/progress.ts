/**
 * Progress for long work: one ora spinner per phase on stderr (stdout stays clean for data and
 * --json), plain lines when stderr is not a terminal, nothing with --quiet.
 */
import ora, { type Ora } from 'ora';
import type { LabEvent, OnEvent, Progress } from '../apply/progress.js';

export type { Progress } from '../apply/progress.js';

/** Renders the core's progress events (see createProgress for where and how). */
export function renderEvents(opts: { quiet: boolean; stream?: NodeJS.WriteStream }): OnEvent {
  const p = createProgress(opts);
  return (e: LabEvent) => {
    if (e.type === 'phase') p.phase(e.title);
    else if (e.type === 'update') p.update(e.text);
    else if (e.type === 'done') p.succeed(e.text);
    else if (e.type === 'failed') p.fail(e.text);
    else p.line(e.text);
  };
}

export function createProgress(opts: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { phase() {}, update() {}, succeed() {}, fail() {}, line() {} };
  let title = '';
  let started = 0;
  const secs = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  const done = (mark: string, text?: string) => `${mark} ${title}${text ? `: ${text}` : ''} (${secs()})`;
  if (!stream.isTTY) {
    // Logs and CI: one plain line per finished phase, no escape codes.
    return {
      phase(t) {
        title = t;
        started = performance.now();
      },
      update() {},
      succeed(text) {
        stream.write(done('✓', text) + '\n');
      },
      fail(text) {
        stream.write(done('✗', text) + '\n');
      },
      line(text) {
        stream.write(text + '\n');
      },
    };
  }
  let spinner: Ora | undefined;
  return {
    phase(t) {
      spinner?.stop();
      title = t;
      started = performance.now();
      spinner = ora({ text: t, stream }).start();
    },
    update(text) {
      if (spinner) spinner.text = `${title}: ${text}`;
    },
    succeed(text) {
      spinner?.succeed(done('', text).slice(1));
      spinner = undefined;
    },
    fail(text) {
      spinner?.fail(done('', text).slice(1));
      spinner = undefined;
    },
    line(text) {
      if (spinner?.isSpinning) {
        spinner.clear();
        stream.write(text + '\n');
        spinner.render();
      } else stream.write(text + '\n');
    },
  };
}
