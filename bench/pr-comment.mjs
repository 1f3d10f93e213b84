// The cold start of the pr-comment action: process start to exit, as the runner starts it, with no network
// (a push event: the report goes to the job summary only). Bare `node` start is the floor beside it.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderBytes, printTable, quantile, timeCommand } from './lib.mjs';

export function benchPrComment(root, runs = 30) {
  const temp = mkdtempSync(join(tmpdir(), 'mlgate-bench-'));
  for (const f of ['output', 'summary.md']) writeFileSync(join(temp, f), '');
  writeFileSync(join(temp, 'event.json'), '{}');
  const env = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(temp, 'event.json'),
    GITHUB_OUTPUT: join(temp, 'output'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
    GITHUB_REPOSITORY: 'acme/models',
    RUNNER_TEMP: temp,
    INPUT_REPORTS: join(root, 'test', 'fixtures', 'reports', '*-report.json'),
    INPUT_MODE: 'auto',
    INPUT_SUMMARY: 'true',
    'INPUT_GITHUB-TOKEN': 'unused',
  };
  const bundle = join(root, 'dist', 'pr-comment', 'index.js');
  const action = timeCommand(process.execPath, [bundle], { env, cwd: temp }, runs);
  const bare = timeCommand(process.execPath, ['-e', ''], { env, cwd: temp }, runs);
  const ms = (v) => `${v.toFixed(0)} ms`;
  printTable(
    `pr-comment cold start (${runs} runs, 4 reports rendered into the job summary, no network; goal: under 200 ms)`,
    ['process', 'median', 'p95'],
    [
      ['node dist/pr-comment/index.js', ms(quantile(action, 0.5)), ms(quantile(action, 0.95))],
      ['node -e "" (bare Node start)', ms(quantile(bare, 0.5)), ms(quantile(bare, 0.95))],
    ],
  );
  const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
  // Chunks the entry imports statically are loaded at start too; the GitHub client's chunk only when it is used.
  const staticChunks = [
    ...readFileSync(bundle, 'utf8').matchAll(/import\s*(?:[^'"]*?from\s*)?["'](\.\/chunks\/[^"']+)["']/g),
  ].map((m) => join(root, 'dist', 'pr-comment', m[1]));
  const atStart = statSync(bundle).size + staticChunks.reduce((sum, f) => sum + statSync(f).size, 0);
  printTable(
    'pr-comment bundle size',
    ['file', 'size'],
    [
      ['dist/pr-comment/index.js (the entry)', kib(statSync(bundle).size)],
      ['loaded at start (entry and its static chunks)', kib(atStart)],
      ['dist/pr-comment/ (with chunks loaded on demand)', kib(folderBytes(join(root, 'dist', 'pr-comment')))],
    ],
  );
  return { medianMs: quantile(action, 0.5), bareMs: quantile(bare, 0.5) };
}
