// The drift workload (issue goal): two generated 1,000,000-row CSVs with 16 numeric and 4 categorical features and a
// known drift in n0, n1 and c0. mlgate reads both and runs every test (KS, PSI, Jensen-Shannon, Wasserstein on the
// numeric features; chi-square and Jensen-Shannon on the categorical ones), on the profiles' 100,000-row samples
// (what drift-check does) and on every row (a sample as large as the data); beside pandas + scipy on every row,
// when Debian's python3-scipy and python3-pandas are present. Peak RSS by GNU time.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkload, measureRun as run, printTable } from './lib.mjs';

const PYTHON = '/usr/bin/python3';

export async function benchDrift(root) {
  const folder = join(root, 'out', 'bench', 'drift');
  const helper = await bundleWorkload(root, 'drift-workload');
  run(process.execPath, [helper, 'prepare', folder], root);
  const mb = (statSync(join(folder, 'reference.csv')).size + statSync(join(folder, 'current.csv')).size) / 1e6;
  const sampled = run(process.execPath, [helper, 'run', folder, '100000'], root);
  const full = run(process.execPath, [helper, 'run', folder, '1000000'], root);
  const cli = run(process.execPath, [join(root, 'dist', 'cli', 'index.js'), 'drift-check', '--reference', 'reference.csv', '--current', 'current.csv', '--report', 'drift-report.json'], folder);
  const rows = [
    [`mlgate, every test on 100,000-row samples (${mb.toFixed(0)} MB; reading ${JSON.parse(sampled.stdout).readSeconds.toFixed(2)} s)`, `${sampled.seconds.toFixed(2)} s`, `${sampled.rssMb.toFixed(0)} MB`],
    [`mlgate, every test on every row (reading ${JSON.parse(full.stdout).readSeconds.toFixed(2)} s)`, `${full.seconds.toFixed(2)} s`, `${full.rssMb.toFixed(0)} MB`],
    ['mlgate drift-check (its default tests, the report)', `${cli.seconds.toFixed(2)} s`, `${cli.rssMb.toFixed(0)} MB`],
  ];
  let reference;
  const hasScipy = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import scipy, pandas'], { stdio: 'ignore' }).status === 0;
  if (hasScipy) {
    reference = run(PYTHON, [join(root, 'bench', 'drift_scipy.py'), folder], root);
    rows.push(['pandas read_csv + scipy, every test on every row', `${reference.seconds.toFixed(2)} s`, `${reference.rssMb.toFixed(0)} MB`]);
  }
  printTable('drift (goal: at least 4x faster than pandas + scipy, peak RSS at most half of theirs)', ['run', 'wall', 'peak RSS'], rows);
  const drifted = (r) => JSON.parse(r.stdout).drifted.map((d) => d.split(' ')[0]).join(', ');
  console.log(`drifted features found: mlgate ${drifted(sampled)} / ${drifted(full)}${reference ? `; scipy ${drifted(reference)}` : ''}`);
  if (reference) {
    for (const [name, ours] of [['samples', sampled], ['every row', full]]) console.log(`speed-up over pandas + scipy (${name}): ${(reference.seconds / ours.seconds).toFixed(2)}x; RSS ${(ours.rssMb / reference.rssMb).toFixed(2)}x of theirs`);
  } else console.log('scipy or pandas not found (apt-get install python3-scipy python3-pandas): no reference run');
}
