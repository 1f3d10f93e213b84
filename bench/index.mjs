// `npm run bench`: each workload measured side by side with its reference. A benchmark, not a test: it prints figures.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDrift } from './drift.mjs';
import { benchEvaluate } from './evaluate.mjs';
import { benchGate } from './gate.mjs';
import { benchPrComment } from './pr-comment.mjs';
import { benchShard } from './shard.mjs';
import { benchValidate } from './validate.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) throw new Error('dist/ is missing: run npm run build first');

const only = process.argv[2];
const workloads = {
  'pr-comment': () => benchPrComment(root),
  'validate-data': () => benchValidate(root, process.argv[3]),
  evaluate: () => benchEvaluate(root),
  drift: () => benchDrift(root),
  shard: () => benchShard(root),
  gate: () => benchGate(root),
};
for (const [name, run] of Object.entries(workloads)) if (!only || only === name) await run();
