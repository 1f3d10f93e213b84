// The drift workload (issue goal): two generated 1,000,000-row CSVs with 16 numeric and 4 categorical features and a
// known drift in n0, n1 and c0. mlgate reads both and runs every test (KS, Wasserstein, and PSI, Jensen-Shannon and
// chi-square on 10 quantile bins of the reference on the numeric features; chi-square and Jensen-Shannon on the
// categorical ones), on the profiles' 100,000-row samples (drift-check's default) and on every row (sample-size
// all); drift-check itself with sample-size all; beside pandas + scipy doing the same tests on every row, when
// Debian's python3-scipy and python3-pandas are present. Each is run MLGATE_BENCH_RUNS times (3 by default), in
// turn, and the medians are printed: the machine may be busy with other work. Peak RSS by GNU time.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkload, measureRun, printTable, quantile } from './lib.mjs';

const PYTHON = '/usr/bin/python3';

export async function benchDrift(root) {
  const folder = join(root, 'out', 'bench', 'drift');
  const helper = await bundleWorkload(root, 'drift-workload');
  measureRun(process.execPath, [helper, 'prepare', folder], root);
  const mb = (statSync(join(folder, 'reference.csv')).size + statSync(join(folder, 'current.csv')).size) / 1e6;
  const hasScipy =
    existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import scipy, pandas'], { stdio: 'ignore' }).status === 0;
  const commands = {
    sampled: [process.execPath, [helper, 'run', folder, '100000'], root],
    full: [process.execPath, [helper, 'run', folder, 'all'], root],
    cli: [
      process.execPath,
      [
        join(root, 'dist', 'cli', 'index.js'),
        'drift-check',
        '--reference',
        'reference.csv',
        '--current',
        'current.csv',
        '--sample-size',
        'all',
        '--report',
        'drift-report.json',
      ],
      folder,
    ],
    ...(hasScipy ? { scipy: [PYTHON, [join(root, 'bench', 'drift_scipy.py'), folder], root] } : {}),
  };
  const runs = Number(process.env.MLGATE_BENCH_RUNS ?? 3);
  const results = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let i = 0; i < runs; i++)
    for (const [name, [command, args, cwd]] of Object.entries(commands))
      results[name].push(measureRun(command, args, cwd));
  const median = (name, pick) => quantile(results[name].map(pick), 0.5);
  const wall = (name) => median(name, (r) => r.seconds);
  const rss = (name) => median(name, (r) => r.rssMb);
  const reading = (name) => median(name, (r) => JSON.parse(r.stdout).readSeconds);
  const row = (label, name) => [
    label,
    `${wall(name).toFixed(2)} s`,
    `${rss(name).toFixed(0)} MB`,
    results[name].map((r) => r.seconds.toFixed(1)).join(' '),
  ];
  const rows = [
    row(
      `mlgate, every test on 100,000-row samples (${mb.toFixed(0)} MB; reading ${reading('sampled').toFixed(2)} s)`,
      'sampled',
    ),
    row(`mlgate, every test on every row (sample-size all; reading ${reading('full').toFixed(2)} s)`, 'full'),
    row('mlgate drift-check --sample-size all (its default tests, the report)', 'cli'),
  ];
  if (hasScipy) rows.push(row('pandas read_csv + scipy, every test on every row', 'scipy'));
  printTable(
    `drift, medians of ${runs} runs (goal: every row at least 4x faster than pandas + scipy, peak RSS at most half of theirs)`,
    ['run', 'wall', 'peak RSS', 'each run (s)'],
    rows,
  );
  const last = (name) => JSON.parse(results[name].at(-1).stdout);
  const drifted = (name) =>
    last(name)
      .drifted.map((d) => d.split(' ')[0])
      .join(', ');
  console.log(
    `drifted features found (KS p < 0.01 and PSI > 0.01; chi-square p < 0.01): mlgate ${drifted('sampled')} / ${drifted('full')}${hasScipy ? `; scipy ${drifted('scipy')}` : ''}`,
  );
  // What a sample can get wrong: KS at drift-check's default threshold (0.05) on the sample against every row.
  const sampledKs = last('sampled').ks;
  const fullKs = last('full').ks;
  const differ = Object.keys(fullKs).filter((name) => sampledKs[name] < 0.05 !== fullKs[name] < 0.05);
  console.log(
    `KS p-values where the 100,000-row sample and every row disagree at 0.05: ${differ.map((name) => `${name} ${sampledKs[name].toPrecision(3)} (sample) vs ${fullKs[name].toPrecision(3)} (every row${hasScipy ? `; scipy ${last('scipy').ks[name].toPrecision(3)}` : ''})`).join('; ') || 'none'}`,
  );
  if (hasScipy) {
    for (const [label, name] of [
      ['samples', 'sampled'],
      ['every row', 'full'],
      ['drift-check, every row', 'cli'],
    ])
      console.log(
        `speed-up over pandas + scipy (${label}): ${(wall('scipy') / wall(name)).toFixed(2)}x; RSS ${(rss(name) / rss('scipy')).toFixed(2)}x of theirs`,
      );
  } else console.log('scipy or pandas not found (apt-get install python3-scipy python3-pandas): no reference run');
}
