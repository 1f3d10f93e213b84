import { describe, expect, it } from 'vitest';
import { DEFAULT_DRIFT_OPTIONS, detectDrift } from '../../../src/core/drift/detect-drift.js';
import { ProfileBuilder } from '../../../src/core/profile/profile-builder.js';
import type { Profile } from '../../../src/core/profile/profile.js';
import { parseDocument } from '../../../src/io/documents.js';
import { resolveDataFiles } from '../../../src/io/readers/dataset.js';
import { scanDataset } from '../../../src/io/scan-dataset.js';
import { dataFolder } from '../../support/datasets.js';

/** The profile of CSV text, as validate-data would write it. */
async function profileOf(csv: string): Promise<Profile> {
  const folder = dataFolder({ 'd.csv': csv });
  const files = await resolveDataFiles(['d.csv'], folder, 'auto', 'data');
  const builder = new ProfileBuilder({ createdAt: 'now', sampleSize: 100_000 });
  await scanDataset({ files, profile: builder, createdAt: 'now' });
  return builder.finish();
}

/** n rows of a numeric column x (from `value`), a category c and a binary flag b. */
function table(n: number, value: (i: number) => number | string, category: (i: number) => string, flag: (i: number) => number): string {
  return `x,c,b\n${Array.from({ length: n }, (_, i) => `${value(i)},${category(i)},${flag(i)}`).join('\n')}\n`;
}

const options = { ...DEFAULT_DRIFT_OPTIONS, createdAt: 'now' };
const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);

describe('detectDrift', () => {
  it('small references: KS, chi-square and the z-test, which find a shift and leave noise alone', async () => {
    const reference = await profileOf(table(500, (i) => noise(i).toFixed(4), (i) => ['a', 'b', 'c'][i % 3]!, (i) => i % 2));
    const same = await profileOf(table(400, (i) => noise(i + 7777).toFixed(4), (i) => ['a', 'b', 'c'][(i + 1) % 3]!, (i) => (i + 1) % 2));
    const shifted = await profileOf(table(400, (i) => (noise(i) + 0.3).toFixed(4), (i) => (i % 5 === 0 ? 'a' : 'c'), (i) => (i % 4 === 0 ? 1 : 0)));
    const calm = detectDrift(reference, same, options);
    expect(calm.features.map((f) => [f.column, f.test, f.status])).toEqual([
      ['x', 'ks', 'ok'],
      ['c', 'chi2', 'ok'],
      ['b', 'ztest', 'ok'],
    ]);
    expect(calm.dataset_drift).toBe(false);
    const drift = detectDrift(reference, shifted, options);
    expect(drift.features.map((f) => f.status)).toEqual(['drift', 'drift', 'drift']);
    expect(drift.dataset_drift).toBe(true);
    for (const f of drift.features) expect(f.p_value).toBeLessThan(0.001);
  });

  it('large references: normed Wasserstein and Jensen-Shannon distances', async () => {
    const reference = await profileOf(table(3000, (i) => noise(i).toFixed(4), (i) => ['a', 'b', 'c', 'd'][i % 4]!, (i) => i % 2));
    const shifted = await profileOf(table(2000, (i) => (noise(i) * 2).toFixed(4), (i) => ['a', 'b', 'c', 'd'][i % 4]!, (i) => i % 2));
    const report = detectDrift(reference, shifted, options);
    expect(report.features.map((f) => [f.column, f.test, f.status])).toEqual([
      ['x', 'wasserstein', 'drift'],
      ['c', 'jensenshannon', 'ok'],
      ['b', 'jensenshannon', 'ok'],
    ]);
    expect(report.features[0]!.statistic).toBeGreaterThan(0.5);
  });

  it('gives clear results for too few values, an all-null column, a constant column, a jump in missing values and columns on one side only', async () => {
    const reference = await profileOf(`k,n,z,m,old\n${Array.from({ length: 100 }, (_, i) => `5,,${i % 10},${i},1`).join('\n')}\n`);
    const current = await profileOf(`k,n,z,m,new\n${Array.from({ length: 100 }, (_, i) => `6,,${i % 10},${i < 50 ? '' : i},1`).join('\n')}\n`);
    const report = detectDrift(reference, current, { ...options, minValues: 20 });
    const byColumn = Object.fromEntries(report.features.map((f) => [f.column, f]));
    expect(byColumn.k).toMatchObject({ status: 'drift' });
    expect(byColumn.n).toMatchObject({ status: 'insufficient_data' });
    expect(byColumn.z).toMatchObject({ status: 'ok' });
    expect(byColumn.m).toMatchObject({ status: 'drift', reason: 'missing values went from 0.0% to 50.0%' });
    expect(byColumn.old).toMatchObject({ status: 'skipped', reason: 'missing from the current data' });
    // Nothing in the report is NaN (JSON would turn it into null silently; the schema must hold).
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
    expect((await parseDocument(JSON.stringify(report), 'drift-report.json')).kind).toBe('drift-report');
  });

  it('applies Benjamini-Hochberg across columns when asked', async () => {
    const reference = await profileOf(table(300, (i) => noise(i).toFixed(3), (i) => ['a', 'b'][i % 2]!, (i) => i % 2));
    const current = await profileOf(table(300, (i) => (noise(i + 5) + 0.12).toFixed(3), (i) => ['a', 'b'][i % 2]!, (i) => i % 2));
    const plain = detectDrift(reference, current, options);
    const corrected = detectDrift(reference, current, { ...options, correction: 'bh' });
    plain.features.forEach((f, i) => expect(corrected.features[i]!.p_value).toBeGreaterThanOrEqual(f.p_value!));
  });
});
