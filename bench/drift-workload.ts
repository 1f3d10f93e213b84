// The drift workload's mlgate side, bundled by bench/drift.mjs with esbuild: it writes the two datasets once, then
// reads both and runs every test the issue lists on every feature: KS, Wasserstein, and PSI, Jensen-Shannon and
// chi-square over 10 quantile bins of the reference on the 16 numeric columns; chi-square and Jensen-Shannon on the
// 4 categorical ones. Numeric tests run on the profiles' seeded samples (`sample` rows, or `all`: every row, what
// drift-check's sample-size: all does), each column's sorted once and read by every test; categorical ones on
// full counts.
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ProfileBuilder } from '../src/core/profile/profile-builder.js';
import { columnSample, SAMPLE_ALL, sortedSampleNumbers, type Profile } from '../src/core/profile/profile.js';
import { chiSquareContingency } from '../src/core/stats/chi-square-contingency.js';
import { jensenShannonDistance } from '../src/core/stats/jensen-shannon.js';
import { ks2samp } from '../src/core/stats/ks-2samp.js';
import { populationStabilityIndex } from '../src/core/stats/psi.js';
import { wasserstein1 } from '../src/core/stats/wasserstein.js';
import { resolveDataFiles } from '../src/io/readers/dataset.js';
import { scanDataset } from '../src/io/scan-dataset.js';
import { sniffNumericColumns } from '../src/io/sniff-types.js';
import { seededRandom as random } from '../src/core/data/seeded-random.js';

const NUMERIC = Array.from({ length: 16 }, (_, i) => `n${i}`);
const CATEGORICAL = [5, 12, 25, 50].map((size, i) => ({ name: `c${i}`, size }));

/** 1,000,000 rows; `drifted` shifts n0, widens n1, and moves c0's mass toward its last values. */
async function writeData(path: string, rows: number, seed: number, drifted: boolean): Promise<void> {
  const next = random(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const out = createWriteStream(path);
  let text = `${[...NUMERIC, ...CATEGORICAL.map((c) => c.name)].join(',')}\n`;
  for (let r = 0; r < rows; r++) {
    const numbers = NUMERIC.map((_, i) => {
      let v = normal() * (1 + i / 8) + i;
      if (drifted && i === 0) v += 0.3;
      if (drifted && i === 1) v = 1 + (v - 1) * 1.4;
      return v.toFixed(4);
    });
    const categories = CATEGORICAL.map((c, i) => {
      const u = drifted && i === 0 ? Math.sqrt(next()) : next();
      return `${c.name}_${Math.floor(u * c.size)}`;
    });
    text += `${numbers.join(',')},${categories.join(',')}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await new Promise<void>((done) => out.once('drain', () => done()));
      text = '';
    }
  }
  out.end(text);
  await new Promise<void>((done) => out.once('finish', () => done()));
}

export async function prepare(folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  if (!existsSync(join(folder, 'reference.csv'))) await writeData(join(folder, 'reference.csv'), 1_000_000, 1, false);
  if (!existsSync(join(folder, 'current.csv'))) await writeData(join(folder, 'current.csv'), 1_000_000, 2, true);
}

async function profileOf(path: string, sampleSize: number): Promise<Profile> {
  const createdAt = new Date().toISOString();
  const builder = new ProfileBuilder({ createdAt, sampleSize, sortedOnly: true });
  const files = await resolveDataFiles([path], '.', 'csv', 'data');
  // As drift-check reads data without a contract: numeric columns recognised from the first batch.
  const contract = await sniffNumericColumns(files);
  await scanDataset({ files, contract, profile: builder, createdAt });
  // As drift-check: each numeric column's sample sorted once, as every test reads it.
  return builder.finishSorted();
}

/**
 * Seconds to read both files and run every test; the drifted features are printed as a check, and every numeric
 * feature's KS p-value, to show what a sample's verdict can differ in from every row's.
 */
export async function run(
  folder: string,
  sampleSize: number,
): Promise<{
  seconds: number;
  readSeconds: number;
  sortSeconds: number;
  drifted: string[];
  ks: Record<string, number>;
}> {
  const start = performance.now();
  const reference = await profileOf(join(folder, 'reference.csv'), sampleSize);
  const current = await profileOf(join(folder, 'current.csv'), sampleSize);
  const read = performance.now();
  const drifted: string[] = [];
  const ksPValues: Record<string, number> = {};
  let sortMs = 0;
  for (const name of NUMERIC) {
    const sorting = performance.now();
    const a = sortedSampleNumbers(columnSample(reference.columns.find((c) => c.name === name)!));
    const b = sortedSampleNumbers(columnSample(current.columns.find((c) => c.name === name)!));
    sortMs += performance.now() - sorting;
    const ks = ks2samp(a, b);
    const psi = populationStabilityIndex(a, b);
    const js = jensenShannonDistance(psi.reference, psi.current);
    const chi = chiSquareContingency(
      psi.reference.map((share) => Math.round(share * a.length)),
      psi.current.map((share) => Math.round(share * b.length)),
    );
    const w = wasserstein1(a, b);
    ksPValues[name] = ks.pValue;
    if (ks.pValue < 0.01 && psi.psi > 0.01)
      drifted.push(
        `${name} (ks ${ks.statistic.toFixed(3)}, psi ${psi.psi.toFixed(3)}, js ${js.toFixed(3)}, chi2 ${chi.statistic.toFixed(0)}, w ${w.toFixed(3)})`,
      );
  }
  for (const { name } of CATEGORICAL) {
    const counts = (p: Profile) => new Map(p.columns.find((c) => c.name === name)!.categories!.counts);
    const r = counts(reference);
    const c = counts(current);
    const keys = [...new Set([...r.keys(), ...c.keys()])].sort();
    const chi = chiSquareContingency(
      keys.map((k) => r.get(k) ?? 0),
      keys.map((k) => c.get(k) ?? 0),
    );
    const js = jensenShannonDistance(
      keys.map((k) => r.get(k) ?? 0),
      keys.map((k) => c.get(k) ?? 0),
    );
    if (chi.pValue < 0.01) drifted.push(`${name} (chi2 ${chi.statistic.toFixed(0)}, js ${js.toFixed(3)})`);
  }
  return {
    seconds: (performance.now() - start) / 1000,
    readSeconds: (read - start) / 1000,
    sortSeconds: sortMs / 1000,
    drifted,
    ks: ksPValues,
  };
}

const [command, folder, sample] = process.argv.slice(2);
if (command === 'prepare') await prepare(folder!);
if (command === 'run') console.log(JSON.stringify(await run(folder!, sample === 'all' ? SAMPLE_ALL : Number(sample))));
