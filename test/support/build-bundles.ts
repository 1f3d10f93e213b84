import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Global setup of the tests that run bundles: builds src/ with scripts/build.mjs into a fresh folder, so a test never
 * runs a dist/ older than the code beside it, and removes it when the run ends. The folder sits inside the repository
 * (under the ignored .tmp/) so that a bundle finds node_modules above it, as the committed dist/ does; one folder per
 * run, so that two runs never share a half-written build.
 */
export default function buildBundles(project: TestProject): () => void {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dist = mkdtempSync(join(ROOT, '.tmp', 'dist-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', dist], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  project.provide('mlgateDist', dist);
  return () => rmSync(dist, { recursive: true, force: true });
}
