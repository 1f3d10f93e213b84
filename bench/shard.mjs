// The sharding workload (issue goal): 4 shards run one after another and merged must cost at most 1.15x one
// unsharded run of the same data, the merge itself under 1 s for 1,000,000 rows, and the merged result must equal
// the unsharded one. Measured for evaluate (the evaluate workload's data and models) and for validate-data (the
// validate workload's 1M-row table), each the median of 3 interleaved rounds; and evaluate once more at 4M rows.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchEvaluatePrepare } from './evaluate.mjs';
import { bundleWorkload, measureRun, printTable } from './lib.mjs';

const SHARDS = 4;

/** One unsharded run, and the shards plus the merge, `rounds` times interleaved; medians. */
function compare(cli, folder, step, inputs, mergeInputs, rounds = 3) {
  const whole = [];
  const sharded = [];
  for (let round = 0; round < rounds; round++) {
    whole.push(measureRun(process.execPath, [cli, step, ...inputs, '--report', 'whole.json'], folder).seconds);
    let shards = 0;
    for (let i = 1; i <= SHARDS; i++)
      shards += measureRun(
        process.execPath,
        [cli, step, ...inputs, '--shard', `${i}/${SHARDS}`, '--partial', `part-${i}.json`],
        folder,
      ).seconds;
    const merge = measureRun(
      process.execPath,
      [
        cli,
        step,
        ...mergeInputs,
        '--merge',
        Array.from({ length: SHARDS }, (_, i) => `part-${i + 1}.json`).join(','),
        '--report',
        'merged.json',
      ],
      folder,
    );
    sharded.push({ shards, merge: merge.seconds, total: shards + merge.seconds });
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    whole: median(whole),
    shards: median(sharded.map((s) => s.shards)),
    merge: median(sharded.map((s) => s.merge)),
    total: median(sharded.map((s) => s.total)),
  };
}

const read = (folder, name) => JSON.parse(readFileSync(join(folder, name), 'utf8'));

export async function benchShard(root) {
  const cli = join(root, 'dist', 'cli', 'index.js');
  const rows = [];
  const checks = [];

  const evaluateFolder = await benchEvaluatePrepare(root);
  const evaluateInputs = [
    '--model',
    'candidate.onnx',
    '--baseline',
    'baseline.onnx',
    '--data',
    'eval-1m.csv',
    '--label',
    'label',
    '--fail-on-gate',
    'false',
  ];
  const evaluate = compare(cli, evaluateFolder, 'evaluate', evaluateInputs, ['--fail-on-gate', 'false']);
  rows.push(['evaluate, 1M rows, unsharded', `${evaluate.whole.toFixed(2)} s`, '']);
  rows.push([
    `evaluate, ${SHARDS} shards one after another + merge (merge ${evaluate.merge.toFixed(2)} s)`,
    `${evaluate.total.toFixed(2)} s`,
    `${(evaluate.total / evaluate.whole).toFixed(2)}x`,
  ]);
  const [one, merged] = [read(evaluateFolder, 'whole.json'), read(evaluateFolder, 'merged.json')];
  for (const name of ['accuracy', 'f1_macro', 'log_loss']) {
    const [a, b] = [one.candidate.metrics[name], merged.candidate.metrics[name]];
    checks.push(
      `${name}: ${a.value} [${a.ci_low}, ${a.ci_high}] one run, ${b.value} [${b.ci_low}, ${b.ci_high}] merged`,
    );
  }
  for (const name of ['roc_auc', 'pr_auc']) {
    const [a, b] = [one.candidate.metrics[name].value, merged.candidate.metrics[name]];
    checks.push(
      `${name}: ${a} one run, ${b.value} ±${b.bound} merged (off by ${Math.abs(a - b.value).toExponential(2)})`,
    );
  }

  const validateFolder = join(root, 'out', 'bench');
  const { generateTable } = await import(await bundleWorkload(root, 'generate-data'));
  await generateTable(join(validateFolder, 'table-1m.csv'), 1_000_000);
  const contract = join(root, 'bench', 'validate-contract.yml');
  const validate = compare(
    cli,
    validateFolder,
    'validate-data',
    ['--data', 'table-1m.csv', '--contract', contract, '--profile', 'shard-profile.json'],
    ['--profile', 'merged-profile.json'],
  );
  rows.push(['validate-data, 1M rows, unsharded', `${validate.whole.toFixed(2)} s`, '']);
  rows.push([
    `validate-data, ${SHARDS} shards one after another + merge (merge ${validate.merge.toFixed(2)} s)`,
    `${validate.total.toFixed(2)} s`,
    `${(validate.total / validate.whole).toFixed(2)}x`,
  ]);
  const [v1, v2] = [read(validateFolder, 'whole.json'), read(validateFolder, 'merged.json')];
  delete v1.created_at;
  delete v2.created_at;
  checks.push(
    `validation report merged ${JSON.stringify(v1) === JSON.stringify(v2) ? 'identical to' : 'DIFFERENT from'} one run's (${v2.violations.length} violations)`,
  );

  // Sharding is for data larger than one job's budget: the same at 4M rows (the 1M rows four times), one round.
  const large = join(evaluateFolder, 'eval-4m.csv');
  if (!existsSync(large)) {
    const bytes = readFileSync(join(evaluateFolder, 'eval-1m.csv'));
    const body = bytes.subarray(bytes.indexOf(10) + 1);
    writeFileSync(large, Buffer.concat([bytes, body, body, body]));
  }
  const evaluateLarge = compare(
    cli,
    evaluateFolder,
    'evaluate',
    evaluateInputs.map((a) => (a === 'eval-1m.csv' ? 'eval-4m.csv' : a)),
    ['--fail-on-gate', 'false'],
    1,
  );
  rows.push(['evaluate, 4M rows, unsharded', `${evaluateLarge.whole.toFixed(2)} s`, '']);
  rows.push([
    `evaluate, 4M rows, ${SHARDS} shards one after another + merge (merge ${evaluateLarge.merge.toFixed(2)} s)`,
    `${evaluateLarge.total.toFixed(2)} s`,
    `${(evaluateLarge.total / evaluateLarge.whole).toFixed(2)}x`,
  ]);

  printTable(
    `sharding (goal: ${SHARDS} shards + merge at most 1.15x one run; merge under 1 s)`,
    ['run', 'wall', 'vs one run'],
    rows,
  );
  for (const line of checks) console.log(line);
}
