/** `image build NAME`: build a guest image from the recipe vlab ships (vm-images/NAME/build.sh). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRunner, type TraceEvent } from '../host/run.js';
import { UsageError } from '../errors.js';

const IMAGES = fileURLToPath(new URL('../../vm-images', import.meta.url));

/** The image recipes vlab ships. */
export const RECIPES = ['tiny'];

/** Runs the recipe (skipped inside it when the image is up to date); its output is returned. */
export async function buildImage(name: string, opts: { trace?: (e: TraceEvent) => void } = {}): Promise<{ stdout: string; stderr: string }> {
  if (!RECIPES.includes(name)) throw new UsageError(`no image recipe '${name}'`, `recipes: ${RECIPES.join(', ')}`);
  const r = await createRunner(opts.trace ? { trace: opts.trace } : {}).run(['bash', path.join(IMAGES, name, 'build.sh')], { timeoutMs: 30 * 60_000 });
  return { stdout: r.stdout, stderr: r.stderr };
}
