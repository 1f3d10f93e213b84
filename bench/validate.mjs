// The validate-data workload: a generated 1,000,000-row x 22-column CSV (about 220 MB) checked against a contract
// that uses every rule type (bench/validate-contract.yml), beside pandas read_csv plus the same checks
// (bench/validate_pandas.py) when Debian's python3-pandas is present. Peak RSS is measured by GNU time.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkload, printTable } from './lib.mjs';

const PYTHON = '/usr/bin/python3';

/** Wall seconds and peak RSS (MB) of one command, measured by /usr/bin/time. */
function measure(command, args, cwd) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], { cwd, encoding: 'utf8', env: { ...process.env, MLGATE_DEBUG: '' } });
  const [seconds, kb] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (result.status !== 0 && !(result.status === 1 && command === process.execPath)) throw new Error(`${command} failed: ${result.stderr}`);
  return { seconds, rssMb: kb / 1024, stdout: result.stdout };
}

function hasPandas() {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;
}

export async function benchValidate(root) {
  const { generateTable } = await import(await bundleWorkload(root, 'generate-data'));
  const folder = join(root, 'out', 'bench');
  const files = [await generateTable(join(folder, 'table-1m.csv'), 1_000_000), await generateTable(join(folder, 'table-2m.csv'), 2_000_000, 7)];
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
      oursRuns.push(measure(process.execPath, [cli, 'validate-data', file, '--contract', contract, '--report', join(folder, 'validation-report.json'), '--profile', join(folder, 'profile.json')], folder));
      if (pandas && name === '1M rows') theirsRuns.push(measure(PYTHON, [join(root, 'bench', 'validate_pandas.py'), file], folder));
    }
    const ours = median(oursRuns);
    results[name] = ours;
    rows.push([`mlgate validate-data, ${name}, median of 3`, `${mb.toFixed(0)} MB`, `${ours.seconds.toFixed(2)} s`, `${(mb / ours.seconds).toFixed(0)} MB/s`, `${ours.rssMb.toFixed(0)} MB`]);
    if (theirsRuns.length > 0) {
      const theirs = median(theirsRuns);
      results.pandas = theirs;
      rows.push([`pandas read_csv + checks, ${name}, median of 3`, `${mb.toFixed(0)} MB`, `${theirs.seconds.toFixed(2)} s`, `${(mb / theirs.seconds).toFixed(0)} MB/s`, `${theirs.rssMb.toFixed(0)} MB`]);
    }
  }
  printTable('validate-data (goal: at least 180 MB/s, peak RSS under 160 MB and flat when the file doubles)', ['run', 'size', 'wall', 'throughput', 'peak RSS'], rows);
  const one = results['1M rows'];
  const two = results['2M rows'];
  console.log(`RSS growth when the file doubles: ${(((two.rssMb - one.rssMb) / one.rssMb) * 100).toFixed(1)}%`);
  if (results.pandas) console.log(`speed-up over pandas: ${(results.pandas.seconds / one.seconds).toFixed(2)}x; RSS: ${(one.rssMb / results.pandas.rssMb).toFixed(2)}x of pandas'`);
  else console.log('pandas not found (apt-get install python3-pandas): no reference run');
}
