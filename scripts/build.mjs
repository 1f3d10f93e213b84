// Bundles every action in actions/<name>/ and the CLI into dist/<name>/index.js with esbuild.
// Usage: node scripts/build.mjs [--outdir DIR]   (the dist/ staleness test builds into a temporary folder)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ONNXRUNTIME_PIN_MODULE, onnxruntimePinModule } from './onnxruntime-pin.mjs';
import { VALIDATORS_MODULE, validatorModule } from './schema-validators.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--outdir');
const outdir = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist');

/** Every folder of actions/ that holds an action.yml is an action with a bundle of the same name. */
function actionNames() {
  return readdirSync(join(root, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'actions', d.name, 'action.yml')))
    .map((d) => d.name)
    .sort();
}

const entries = [
  ...actionNames().map((name) => ({ name, source: `src/actions/${name}/index.ts` })),
  { name: 'cli', source: 'src/cli/index.ts' },
  // The weather example's trainer, which the demo runs through the train step as a team runs its own script.
  // Its data ships beside it, so that `mlgate demo` runs from an installed copy too.
  {
    name: 'example-weather',
    entry: 'train',
    source: 'examples/weather/train.ts',
    data: [['node_modules/vega-datasets/data/seattle-weather.csv', 'seattle-weather.csv']],
  },
];
// Bundles that read large data files carry the worker that reads a part of a file on another thread.
const SCAN_WORKER = { 'scan-worker': 'src/io/parallel/scan-worker.ts' };
// evaluate ranks its models on another thread while it bootstraps.
const RANK_WORKER = { 'rank-worker': 'src/io/parallel/rank-worker.ts' };
// Bundles that run models score them on another thread while the data is read.
const SCORING_WORKER = { 'scoring-worker': 'src/io/parallel/scoring-worker.ts' };
// Bundles that read Parquet decode its row groups on other threads.
const PARQUET_WORKER = { 'parquet-worker': 'src/io/parallel/parquet-worker.ts' };
const WORKERS = {
  'validate-data': { ...SCAN_WORKER, ...PARQUET_WORKER },
  'drift-check': { ...SCAN_WORKER, ...SCORING_WORKER, ...PARQUET_WORKER },
  evaluate: { ...RANK_WORKER, ...SCORING_WORKER, ...PARQUET_WORKER },
  cli: { ...SCAN_WORKER, ...RANK_WORKER, ...SCORING_WORKER, ...PARQUET_WORKER },
};

// The @actions packages are ESM-only while several of their dependencies are CommonJS that call require():
// an ESM bundle needs a real require, made from import.meta.url.
const banner = [
  "import { createRequire as __mlgateCreateRequire } from 'node:module';",
  'const require = __mlgateCreateRequire(import.meta.url);',
].join('\n');

/** Serves each document kind's validator, compiled from the JSON Schemas (once per kind and build). */
const compiled = new Map();
const validatorsPlugin = {
  name: 'mlgate-validators',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: VALIDATORS_MODULE }, (args) => ({
      path: args.path,
      namespace: 'mlgate-validators',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'mlgate-validators' }, (args) => {
      const kind = VALIDATORS_MODULE.exec(args.path)[1];
      if (!compiled.has(kind)) compiled.set(kind, validatorModule(root, kind));
      return { contents: compiled.get(kind), resolveDir: root, loader: 'js' };
    });
    pluginBuild.onResolve({ filter: ONNXRUNTIME_PIN_MODULE }, (args) => ({
      path: args.path,
      namespace: 'mlgate-onnxruntime-pin',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'mlgate-onnxruntime-pin' }, () => ({
      contents: onnxruntimePinModule(root),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
for (const entry of entries) {
  const dir = join(outdir, entry.name);
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: {
      [entry.entry ?? 'index']: join(root, entry.source),
      ...Object.fromEntries(Object.entries(WORKERS[entry.name] ?? {}).map(([n, s]) => [n, join(root, s)])),
    },
    outdir: dir,
    // Modules loaded on first use (the GitHub client) go to chunks/, so start-up parses only what every run needs.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: entry.name === 'cli' ? `#!/usr/bin/env node\n${banner}` : banner },
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    logLevel: 'warning',
    absWorkingDir: root,
    plugins: [validatorsPlugin],
  });
  // A bundle copied away from this repository must still load as ESM.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [from, name] of entry.data ?? []) copyFileSync(join(root, from), join(dir, name));
}
console.log(`built ${entries.map((e) => e.name).join(', ')} into ${outdir}`);
