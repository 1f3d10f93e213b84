// The evaluate workload (issue goal): a 1,000,000-row x 20-feature CSV with a 3-class label and a region column
// (8 values, not a feature: the weak-slice search cuts by it), an MLP 20-64-64-3 as
// candidate and another as baseline. The whole `mlgate evaluate` (read, both models, every classification metric,
// the 1,000-replicate bootstrap) against the floor of the same work (mlgate's reader and two raw onnxruntime-node
// passes); and the metrics alone against scikit-learn on the same predictions, when Debian's python3-sklearn is
// present.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkload, measureRun as run, printTable } from './lib.mjs';

const PYTHON = '/usr/bin/python3';

/** Writes the workload's data and models (once) and returns their folder. */
export async function benchEvaluatePrepare(root) {
  const folder = join(root, 'out', 'bench', 'evaluate');
  const helper = await bundleWorkload(root, 'evaluate-workload', ['onnxruntime-node']);
  run(process.execPath, [helper, 'prepare', folder], root);
  return folder;
}

export async function benchEvaluate(root) {
  const folder = await benchEvaluatePrepare(root);
  const helper = join(root, 'out', 'bench', 'evaluate-workload.mjs');
  const csv = join(folder, 'eval-1m.csv');
  const mb = statSync(csv).size / 1e6;
  const cli = join(root, 'dist', 'cli', 'index.js');
  // Five runs each, interleaved, and the median: this machine's timings wander by 20-40% from run to run, and
  // both sides of the ratio wander together only when they run close in time.
  const RUNS = 5;
  const oursRuns = [];
  const floorRuns = [];
  // The same run without the weak-slice search (over the region column, the 20 features' quartiles and the region's
  // pairs with them), interleaved too: what the search costs.
  const noSearchRuns = [];
  const evaluateArgs = [
    cli,
    'evaluate',
    '--model',
    'candidate.onnx',
    '--baseline',
    'baseline.onnx',
    '--data',
    'eval-1m.csv',
    '--label',
    'label',
    '--report',
    'eval-report.json',
    '--fail-on-gate',
    'false',
  ];
  for (let i = 0; i < RUNS; i++) {
    oursRuns.push(run(process.execPath, evaluateArgs, folder));
    noSearchRuns.push(run(process.execPath, [...evaluateArgs, '--weak-slices', 'false'], folder));
    floorRuns.push(run(process.execPath, [helper, 'floor', folder], root));
  }
  const median = (runs) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
  const ours = median(oursRuns);
  const noSearch = median(noSearchRuns);
  const floorRun = median(floorRuns);
  const floor = JSON.parse(floorRun.stdout);
  const metrics = JSON.parse(run(process.execPath, [helper, 'metrics', folder], root).stdout);
  const rows = [
    [
      `mlgate evaluate (read, 2 models, all metrics, 1000-replicate bootstrap), median of ${RUNS}`,
      `${ours.seconds.toFixed(2)} s`,
      `${ours.rssMb.toFixed(0)} MB`,
    ],
    [
      `mlgate evaluate --weak-slices false, median of ${RUNS}`,
      `${noSearch.seconds.toFixed(2)} s`,
      `${noSearch.rssMb.toFixed(0)} MB`,
    ],
    [
      `floor: read ${mb.toFixed(0)} MB CSV (${floor.readSeconds.toFixed(2)} s) + 2 raw onnxruntime passes (${floor.inferSeconds.toFixed(2)} s), median of ${RUNS}`,
      `${floorRun.seconds.toFixed(2)} s`,
      `${floorRun.rssMb.toFixed(0)} MB`,
    ],
    ['metrics alone, 2 models (mlgate)', `${metrics.exactSeconds.toFixed(3)} s`, ''],
    ['metrics of 2 models + 1000-replicate paired bootstrap (mlgate)', `${metrics.bootstrapSeconds.toFixed(3)} s`, ''],
  ];
  let sklearn;
  if (existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0) {
    sklearn = JSON.parse(run(PYTHON, [join(root, 'bench', 'metrics_sklearn.py'), folder], root).stdout);
    rows.push(['metrics alone, 2 models (scikit-learn)', `${sklearn.seconds.toFixed(3)} s`, '']);
  }
  printTable(
    'evaluate (goal: within 1.3x of the floor; metrics at least 3x faster than scikit-learn)',
    ['run', 'wall', 'peak RSS'],
    rows,
  );
  console.log(`evaluate / floor: ${(ours.seconds / floorRun.seconds).toFixed(2)}x`);
  console.log(`weak-slice search: +${((ours.seconds / noSearch.seconds - 1) * 100).toFixed(1)}% (goal: at most 10%)`);
  if (sklearn) console.log(`metrics: scikit-learn / mlgate: ${(sklearn.seconds / metrics.exactSeconds).toFixed(1)}x`);
  else console.log('scikit-learn not found (apt-get install python3-sklearn): no reference run');
}
