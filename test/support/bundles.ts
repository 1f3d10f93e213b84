import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { inject } from 'vitest';
import { parse as parseYaml } from 'yaml';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder test/support/build-bundles.ts built the bundles into for this run. */
    mlgateDist: string;
  }
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const COMMITTED_DIST = join(ROOT, 'dist');

/**
 * The bundles built from src/ for this test run, laid out as dist/ is. Integration tests run these, never the committed
 * dist/, so that a change to src/ is tested without a rebuild; test/integration/dist.test.ts holds the committed
 * dist/ to this build.
 */
export function builtDist(): string {
  const dist = inject('mlgateDist');
  if (!dist)
    throw new Error(
      'no bundles were built for this run: bundle tests belong to a project whose globalSetup is test/support/build-bundles.ts',
    );
  return dist;
}

/** A file of the fresh build, named by its path under dist/ (e.g. `cli`, `index.js`). */
export function builtFile(...path: string[]): string {
  return join(builtDist(), ...path);
}

/**
 * The script the runner starts for an action: `runs.main` of actions/<name>/action.yml, resolved from that folder as
 * the runner does, then moved from the committed dist/ to this run's build. A manifest that points elsewhere is run
 * where it points.
 */
export function actionBundle(action: string): string {
  const folder = join(ROOT, 'actions', action);
  const manifest = parseYaml(readFileSync(join(folder, 'action.yml'), 'utf8')) as { runs?: { main?: unknown } };
  if (typeof manifest.runs?.main !== 'string') throw new Error(`actions/${action}/action.yml has no runs.main`);
  const main = resolve(folder, manifest.runs.main);
  const underDist = relative(COMMITTED_DIST, main);
  return underDist.startsWith(`..${sep}`) || underDist === '..' ? main : join(builtDist(), underDist);
}

/** The folder of the fresh bundle an action runs (dist/<name>/ of this run's build). */
export function actionBundleFolder(action: string): string {
  return dirname(actionBundle(action));
}
