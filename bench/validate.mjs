// The validate-data workloads. CSV: a generated 1,000,000-row x 22-column CSV (about 220 MB) checked against a contract
// that uses every rule type (bench/validate-contract.yml), beside pandas read_csv plus the same checks
// (bench/validate_pandas.py) when Debian's python3-pandas is present. Parquet: vega-datasets' flights-3m.parquet and
// copies of it 2 and 4 times over, beside DuckDB (bench/duckdb-aggregates.mjs); then evaluate on a Parquet holdout
// beside the same holdout as CSV (see benchValidateParquet). Peak RSS is measured by GNU time.
// `npm run bench validate-data csv` or `... parquet` runs one of the two.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkload, printTable } from './lib.mjs';

const PYTHON = '/usr/bin/python3';

/** Wall seconds and peak RSS (MB) of one command, measured by /usr/bin/time. */
function measure(command, args, cwd) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MLGATE_DEBUG: '' },
  });
  const [seconds, kb] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (result.status !== 0 && !(result.status === 1 && command === process.execPath))
    throw new Error(`${command} failed: ${result.stderr}`);
  return { seconds, rssMb: kb / 1024, stdout: result.stdout };
}

function hasPandas() {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;
}

/** The CSV workload, then the Parquet one; `part` ('csv' or 'parquet') runs only that one. */
export async function benchValidate(root, part) {
  if (part !== 'parquet') await benchValidateCsv(root);
  if (part !== 'csv') await benchValidateParquet(root);
}

async function benchValidateCsv(root) {
  const { generateTable } = await import(await bundleWorkload(root, 'generate-data'));
  const folder = join(root, 'out', 'bench');
  const files = [
    await generateTable(join(folder, 'table-1m.csv'), 1_000_000),
    await generateTable(join(folder, 'table-2m.csv'), 2_000_000, 7),
  ];
  const contract = join(root, 'bench', 'validate-contract.yml');
  const cli = join(root, 'dist', 'cli', 'index.js');
  const pandas = hasPandas();
  const rows = [];
  const results = {};
  // Three runs each (ours and pandas interleaved) and the median: this machine's timings wander by 20% or more
  // from run to run. Peak RSS is the largest of the three.
  const median = (runs) => {
    const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    return { seconds, rssMb: Math.max(...runs.map((r) => r.rssMb)) };
  };
  for (const file of files) {
    const mb = statSync(file).size / 1e6;
    const name = file.endsWith('1m.csv') ? '1M rows' : '2M rows';
    const oursRuns = [];
    const theirsRuns = [];
    for (let i = 0; i < 3; i++) {
      oursRuns.push(
        measure(
          process.execPath,
          [
            cli,
            'validate-data',
            file,
            '--contract',
            contract,
            '--report',
            join(folder, 'validation-report.json'),
            '--profile',
            join(folder, 'profile.json'),
          ],
          folder,
        ),
      );
      if (pandas && name === '1M rows')
        theirsRuns.push(measure(PYTHON, [join(root, 'bench', 'validate_pandas.py'), file], folder));
    }
    const ours = median(oursRuns);
    results[name] = ours;
    rows.push([
      `mlgate validate-data, ${name}, median of 3`,
      `${mb.toFixed(0)} MB`,
      `${ours.seconds.toFixed(2)} s`,
      `${(mb / ours.seconds).toFixed(0)} MB/s`,
      `${ours.rssMb.toFixed(0)} MB`,
    ]);
    if (theirsRuns.length > 0) {
      const theirs = median(theirsRuns);
      results.pandas = theirs;
      rows.push([
        `pandas read_csv + checks, ${name}, median of 3`,
        `${mb.toFixed(0)} MB`,
        `${theirs.seconds.toFixed(2)} s`,
        `${(mb / theirs.seconds).toFixed(0)} MB/s`,
        `${theirs.rssMb.toFixed(0)} MB`,
      ]);
    }
  }
  printTable(
    'validate-data (goal: at least 180 MB/s, peak RSS under 160 MB and flat when the file doubles)',
    ['run', 'size', 'wall', 'throughput', 'peak RSS'],
    rows,
  );
  const one = results['1M rows'];
  const two = results['2M rows'];
  console.log(`RSS growth when the file doubles: ${(((two.rssMb - one.rssMb) / one.rssMb) * 100).toFixed(1)}%`);
  if (results.pandas)
    console.log(
      `speed-up over pandas: ${(results.pandas.seconds / one.seconds).toFixed(2)}x; RSS: ${(one.rssMb / results.pandas.rssMb).toFixed(2)}x of pandas'`,
    );
  else console.log('pandas not found (apt-get install python3-pandas): no reference run');
}

/** The median run by wall time, with the largest peak RSS of the runs. */
function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return { seconds: sorted[Math.floor(sorted.length / 2)].seconds, rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

/** A profile or report without its time or the paths it names (see test/integration/parquet.test.ts). */
function comparableHash(path) {
  const document = JSON.parse(readFileSync(path, 'utf8'));
  delete document.created_at;
  if (document.contract) delete document.contract.path;
  for (const file of document.dataset.files) file.path = file.path.split('/').at(-1);
  return createHash('sha256').update(JSON.stringify(document)).digest('hex');
}

/** The profile the reference reader (a JavaScript value per cell) wrote for flights-3m.parquet with its drafted contract. */
const FLIGHTS_PROFILE_SHA256 = '80edb699c9ca8f0157d5270d0eb2d5cdc2e3b406bf1898b1281ed2b7309b091d';

/**
 * The Parquet workload (issue goal: at most 3x DuckDB's time and at most 200 MB peak RSS, flat as the file grows):
 * flights-3m.parquet checked against the contract infer-contract drafts, beside DuckDB computing the profile's
 * aggregates of the same columns (bench/duckdb-aggregates.mjs); then the same at 2x and 4x the rows; then evaluate
 * on the evaluate workload's holdout as Parquet beside the same holdout as CSV.
 */
export async function benchValidateParquet(root) {
  const { flightsPath, writeCopies, csvToParquet, duckdbLoads } = await import('./parquet-data.mjs');
  const folder = join(root, 'out', 'bench', 'parquet');
  mkdirSync(folder, { recursive: true });
  const flights = join(folder, 'flights-3m.parquet');
  if (!existsSync(flights)) copyFileSync(flightsPath(root), flights);
  const cli = join(root, 'dist', 'cli', 'index.js');
  const contract = join(folder, 'flights-contract.yml');
  if (!existsSync(contract))
    measure(process.execPath, [cli, 'infer-contract', '--data', 'flights-3m.parquet', '--output', contract], folder);
  await writeCopies(flights, join(folder, 'flights-6m.parquet'), 2);
  await writeCopies(flights, join(folder, 'flights-12m.parquet'), 4);
  // Named relative to the folder, as the pinned profile was made: the sample's seed takes in the file's name.
  const files = [
    ['3M rows', 'flights-3m.parquet', 5],
    ['6M rows (2 copies)', 'flights-6m.parquet', 3],
    ['12M rows (4 copies)', 'flights-12m.parquet', 3],
  ];
  const duckdb = await duckdbLoads(root);
  const rows = [];
  const peaks = [];
  for (const [name, file, runs] of files) {
    const ours = [];
    const theirs = [];
    // Interleaved, so that both sides meet the same load on this shared machine.
    for (let i = 0; i < runs; i++) {
      ours.push(
        measure(
          process.execPath,
          [
            cli,
            'validate-data',
            '--data',
            file,
            '--contract',
            contract,
            '--report',
            'report.json',
            '--profile',
            'profile.json',
          ],
          folder,
        ),
      );
      if (duckdb)
        theirs.push(
          measure(process.execPath, [join(root, 'bench', 'duckdb-aggregates.mjs'), join(folder, file)], folder),
        );
    }
    const us = medianRun(ours);
    peaks.push(us.rssMb);
    const them = duckdb ? medianRun(theirs) : undefined;
    if (file === 'flights-3m.parquet')
      console.log(
        `flights-3m profile ${comparableHash(join(folder, 'profile.json')) === FLIGHTS_PROFILE_SHA256 ? 'identical to' : 'DIFFERENT from'} the reference reader's`,
      );
    rows.push([
      `mlgate validate-data, ${name}, median of ${runs}`,
      `${us.seconds.toFixed(2)} s`,
      `${us.rssMb.toFixed(0)} MB`,
      them ? `${(us.seconds / them.seconds).toFixed(2)}x` : '',
    ]);
    if (them)
      rows.push([
        `DuckDB 2 threads, same aggregates, ${name}, median of ${runs}`,
        `${them.seconds.toFixed(2)} s`,
        `${them.rssMb.toFixed(0)} MB`,
        '',
      ]);
  }
  printTable(
    'validate-data on Parquet (goal: at most 3x DuckDB, peak RSS at most 200 MB and flat as the rows grow)',
    ['run', 'wall', 'peak RSS', 'vs DuckDB'],
    rows,
  );
  console.log(`peak RSS from 3M to 12M rows: ${peaks.map((p) => p.toFixed(0)).join(' -> ')} MB`);
  if (!duckdb)
    console.log(
      '@duckdb/node-api did not load (its native binding is for linux, macOS and Windows on x64/arm64): no reference run',
    );

  const { benchEvaluatePrepare } = await import('./evaluate.mjs');
  const evaluateFolder = await benchEvaluatePrepare(root);
  await csvToParquet(join(evaluateFolder, 'eval-1m.csv'), join(evaluateFolder, 'eval-1m.parquet'));
  const holdout = { csv: [], parquet: [] };
  for (let i = 0; i < 3; i++) {
    for (const format of ['csv', 'parquet']) {
      holdout[format].push(
        measure(
          process.execPath,
          [
            cli,
            'evaluate',
            '--model',
            'candidate.onnx',
            '--baseline',
            'baseline.onnx',
            '--data',
            `eval-1m.${format}`,
            '--label',
            'label',
            '--report',
            `eval-report-${format}.json`,
            '--fail-on-gate',
            'false',
          ],
          evaluateFolder,
        ),
      );
    }
  }
  const [csv, parquet] = [medianRun(holdout.csv), medianRun(holdout.parquet)];
  printTable(
    'evaluate, the same 1,000,000-row holdout as CSV and as Parquet (goal: Parquet no slower per row)',
    ['run', 'wall', 'per row (1M rows)', 'peak RSS'],
    [
      ['CSV, median of 3', `${csv.seconds.toFixed(2)} s`, `${csv.seconds.toFixed(2)} µs`, `${csv.rssMb.toFixed(0)} MB`],
      [
        'Parquet, median of 3',
        `${parquet.seconds.toFixed(2)} s`,
        `${parquet.seconds.toFixed(2)} µs`,
        `${parquet.rssMb.toFixed(0)} MB`,
      ],
    ],
  );
}
