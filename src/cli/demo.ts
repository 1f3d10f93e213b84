import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../core/errors.js';
import type { ActionEnvironment } from '../actions/runtime/host.js';
import type { InputReader, InputSpecs } from '../actions/runtime/inputs.js';
import { prComment } from '../actions/pr-comment/run.js';

export const DEMO_INPUTS = {
  'out-dir': { description: 'Folder the demo writes its reports to.', default: 'out/demo' },
} satisfies InputSpecs;

/** The bundled example project, found beside the CLI bundle (dist/cli) or the sources (src/cli). */
function examplesFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const folder = resolve(here, '..', '..', 'examples');
  if (!existsSync(folder)) throw new ConfigurationError(`the example project is missing (looked in ${folder}); run the demo from a clone of mlgate`);
  return folder;
}

/** Runs each stage of the mlgate loop on the example, printing where every report is. */
export async function demo(env: ActionEnvironment): Promise<void> {
  const out = resolve(env.cwd, env.inputs.get('out-dir') || DEMO_INPUTS['out-dir'].default);
  const examples = examplesFolder();
  const { host } = env;
  const commentFile = join(out, 'pr-comment.md');

  host.info('mlgate demo: the pull-request comment built from the example reports');
  await prComment({
    ...env,
    context: { ...env.context, eventName: undefined, payload: {}, owner: undefined, repo: undefined },
    inputs: fixedInputs({ reports: join(examples, 'reports', '*-report.json'), output: commentFile, summary: 'false' }),
  });
  host.print(`pr-comment  ${relative(env.cwd, commentFile)}`);
}

function fixedInputs(values: Record<string, string>): InputReader {
  return { get: (name) => values[name] ?? (name === 'mode' ? 'auto' : ''), label: (name) => `demo setting ${name}` };
}
