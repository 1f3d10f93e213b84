import { describe, expect, it } from 'vitest';
import { constantMovedPValue } from '../../../../src/core/drift/constant-reference.js';
import { DEFAULT_DRIFT_OPTIONS, detectDrift } from '../../../../src/core/drift/detect-drift.js';
import { newCategoriesPValue } from '../../../../src/core/drift/new-categories.js';
import { checkTestServes, checkThreshold, testsFor } from '../../../../src/core/drift/drift-tests.js';
import { binCounts, psiOfCounts, quantileEdges } from '../../../../src/core/drift/quantile-bins.js';
import { ConfigurationError } from '../../../../src/core/errors.js';
import { populationStabilityIndex } from '../../../../src/core/stats/psi.js';
import { ProfileBuilder } from '../../../../src/core/profile/profile-builder.js';
import type { Profile } from '../../../../src/core/profile/profile.js';
import { parseDocument } from '../../../../src/io/documents.js';
import { resolveDataFiles } from '../../../../src/io/readers/dataset.js';
import { scanDataset } from '../../../../src/io/scan-dataset.js';
import { dataFolder } from '../../../support/datasets.js';

/** The profile of CSV text, as validate-data would write it. */
async function profileOf(csv: string): Promise<Profile> {
  const folder = dataFolder({ 'd.csv': csv });
  const files = await resolveDataFiles(['d.csv'], folder, 'auto', 'data');
  const builder = new ProfileBuilder({ createdAt: 'now', sampleSize: 100_000 });
  await scanDataset({ files, profile: builder, createdAt: 'now' });
  return builder.finish();
}

/** n rows of a numeric column x (from `value`), a category c and a binary flag b. */
function table(
  n: number,
  value: (i: number) => number | string,
  category: (i: number) => string,
  flag: (i: number) => number,
): string {
  return `x,c,b\n${Array.from({ length: n }, (_, i) => `${value(i)},${category(i)},${flag(i)}`).join('\n')}\n`;
}

const options = { ...DEFAULT_DRIFT_OPTIONS, createdAt: 'now' };
const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);

describe('detectDrift', () => {
  it('small references: KS, chi-square and the z-test, which find a shift and leave noise alone', async () => {
    const reference = await profileOf(
      table(
        500,
        (i) => noise(i).toFixed(4),
        (i) => ['a', 'b', 'c'][i % 3]!,
        (i) => i % 2,
      ),
    );
    const same = await profileOf(
      table(
        400,
        (i) => noise(i + 7777).toFixed(4),
        (i) => ['a', 'b', 'c'][(i + 1) % 3]!,
        (i) => (i + 1) % 2,
      ),
    );
    const shifted = await profileOf(
      table(
        400,
        (i) => (noise(i) + 0.3).toFixed(4),
        (i) => (i % 5 === 0 ? 'a' : 'c'),
        (i) => (i % 4 === 0 ? 1 : 0),
      ),
    );
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
    const reference = await profileOf(
      table(
        3000,
        (i) => noise(i).toFixed(4),
        (i) => ['a', 'b', 'c', 'd'][i % 4]!,
        (i) => i % 2,
      ),
    );
    const shifted = await profileOf(
      table(
        2000,
        (i) => (noise(i) * 2).toFixed(4),
        (i) => ['a', 'b', 'c', 'd'][i % 4]!,
        (i) => i % 2,
      ),
    );
    const report = detectDrift(reference, shifted, options);
    expect(report.features.map((f) => [f.column, f.test, f.status])).toEqual([
      ['x', 'wasserstein', 'drift'],
      ['c', 'jensenshannon', 'ok'],
      ['b', 'jensenshannon', 'ok'],
    ]);
    expect(report.features[0]!.statistic).toBeGreaterThan(0.5);
  });

  it('gives clear results for too few values, an all-null column, a constant column, a jump in missing values and columns on one side only', async () => {
    const reference = await profileOf(
      `k,n,z,m,old\n${Array.from({ length: 100 }, (_, i) => `5,,${i % 10},${i % 50},1`).join('\n')}\n`,
    );
    const current = await profileOf(
      `k,n,z,m,new\n${Array.from({ length: 100 }, (_, i) => `6,,${i % 10},${i < 50 ? '' : i % 50},1`).join('\n')}\n`,
    );
    const report = detectDrift(reference, current, { ...options, minValues: 20, columns: ['k', 'n', 'z', 'm', 'old'] });
    const byColumn = Object.fromEntries(report.features.map((f) => [f.column, f]));
    expect(byColumn.k).toMatchObject({
      status: 'drift',
      test: 'fisher',
      reason: expect.stringMatching(
        /^Fisher's exact BH-adjusted p-value \S+ < 0\.05.*; the reference is constant \(5\); 100 of 100 current values differ/,
      ),
    });
    expect(byColumn.n).toMatchObject({ status: 'insufficient_data' });
    expect(byColumn.z).toMatchObject({ status: 'ok' });
    expect(byColumn.m).toMatchObject({ status: 'drift', reason: 'missing values went from 0.0% to 50.0%' });
    expect(byColumn.old).toMatchObject({ status: 'skipped', reason: 'missing from the current data' });
    // Nothing in the report is NaN (JSON would turn it into null silently; the schema must hold).
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
    expect((await parseDocument(JSON.stringify(report), 'drift-report.json')).kind).toBe('drift-report');
  });

  it('applies Benjamini-Hochberg across columns when asked', async () => {
    const reference = await profileOf(
      table(
        300,
        (i) => noise(i).toFixed(3),
        (i) => ['a', 'b'][i % 2]!,
        (i) => i % 2,
      ),
    );
    const current = await profileOf(
      table(
        300,
        (i) => (noise(i + 5) + 0.12).toFixed(3),
        (i) => ['a', 'b'][i % 2]!,
        (i) => i % 2,
      ),
    );
    const plain = detectDrift(reference, current, { ...options, correction: 'none' });
    const corrected = detectDrift(reference, current, { ...options, correction: 'bh' });
    expect(plain.correction).toBe('none');
    expect(corrected.correction).toBe('bh');
    plain.features.forEach((f, i) => {
      // The raw p-value is kept; the adjusted one stands beside it.
      expect(corrected.features[i]!.p_value).toBe(f.p_value);
      expect(corrected.features[i]!.p_adjusted).toBeGreaterThanOrEqual(f.p_value!);
      expect(f.p_adjusted).toBeUndefined();
    });
  });
});

describe('the tests each kind of column accepts', () => {
  it.each([
    ['numeric', ['ks', 'wasserstein', 'chi2', 'psi', 'jensenshannon']],
    ['categorical', ['chi2', 'psi', 'jensenshannon']],
    ['binary', ['ztest', 'chi2', 'psi', 'jensenshannon']],
  ] as const)('%s: %j', (kind, tests) => {
    expect(testsFor(kind)).toEqual(tests);
  });

  it.each([
    [
      'ztest',
      'numeric',
      /ztest cannot test numeric columns \(x\); for numeric columns use ks, wasserstein, chi2, psi or jensenshannon/,
    ],
    [
      'ks',
      'categorical',
      /ks cannot test categorical columns \(x\); for categorical columns use chi2, psi or jensenshannon/,
    ],
    [
      'wasserstein',
      'binary',
      /wasserstein cannot test binary columns \(x\); for binary columns use ztest, chi2, psi or jensenshannon/,
    ],
  ] as const)('%s on a %s column is a configuration error naming the valid tests', (test, kind, message) => {
    expect(() => checkTestServes(test, kind, 'x', 'tests')).toThrow(ConfigurationError);
    expect(() => checkTestServes(test, kind, 'x', 'tests')).toThrow(message);
  });

  it.each([
    ['ks', 5, false],
    ['ks', 0, false],
    ['ks', 1, false],
    ['ks', 0.01, true],
    ['ztest', 0.999, true],
    ['psi', -0.1, false],
    ['psi', 0, true],
    ['wasserstein', 3, true],
    ['jensenshannon', Number.POSITIVE_INFINITY, false],
  ] as const)('threshold %s=%d is accepted: %s', (test, value, ok) => {
    const check = () => checkThreshold(test, value, `${test}=${value}`, 'thresholds');
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(ConfigurationError);
  });
});

describe('quantile bins of the reference', () => {
  const random = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const draw = (n: number, seed: number, f: (u: number) => number) => {
    const r = random(seed);
    return Float64Array.from({ length: n }, () => f(r()));
  };

  it('are right-closed, at numpy-interpolated deciles, with repeated edges merged', () => {
    expect(quantileEdges(Float64Array.of(1, 2, 3, 4, 5), 2)).toEqual([3]);
    expect(binCounts(Float64Array.of(1, 3, 3.5, 5), [3])).toEqual([2, 2]);
    // numpy: np.quantile([0,0,0,0,0,0,0,0,1,2], [.1,...,.9]) = 0 x7, 0.2, 1.1: edges 0, 0.2, 1.1
    expect(quantileEdges(Float64Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 2))).toEqual([
      0,
      expect.closeTo(0.2, 12),
      expect.closeTo(1.1, 12),
    ]);
  });

  it('give PSI the same value as populationStabilityIndex (its plain twin), so PSI, JS and chi-square share the bins', () => {
    for (const [a, b] of [
      [draw(3000, 1, (u) => u), draw(2000, 2, (u) => u * 1.2)],
      [draw(500, 3, (u) => Math.round(u * 4)), draw(700, 4, (u) => Math.round(u * 5))],
    ] as const) {
      const edges = quantileEdges(a);
      const twin = populationStabilityIndex(a, b);
      expect(edges).toEqual(twin.edges.slice(1, -1));
      expect(psiOfCounts(binCounts(a, edges), binCounts(b, edges))).toBeCloseTo(twin.psi, 12);
    }
  });

  it('keep Jensen-Shannon on two draws of one normal small, where one category per value made it 0.45', async () => {
    const gauss = (seed: number) => {
      const r = random(seed);
      return Array.from({ length: 5000 }, () =>
        (Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())).toFixed(5),
      );
    };
    const [a, b] = [gauss(11), gauss(12)];
    const reference = await profileOf(`x\n${a.join('\n')}\n`);
    const current = await profileOf(`x\n${b.join('\n')}\n`);
    const [x] = detectDrift(reference, current, { ...options, tests: { numeric: 'jensenshannon' } }).features;
    expect(x).toMatchObject({ test: 'jensenshannon', status: 'ok' });
    expect(x!.statistic!).toBeLessThan(0.05);
  });
});

describe('new categories: how unlikely as many current-only categories are by chance', () => {
  // Each category lands wholly on the current side with C(m, t) / C(n + m, t); the count of those is Poisson-binomial:
  // /usr/bin/python3 -c "import numpy as np; from scipy.special import comb; pmf = np.array([1.0])
  //   for t in totals: p = comb(m, t, exact=True) / comb(n + m, t, exact=True); pmf = np.convolve(pmf, [1 - p, p])
  //   print(pmf[observed:].sum())"
  it.each([
    [[40, 200, 160], 1, 400, 400, 3.259640240982663e-13],
    [[1, 1, 2, 3, 1, 5, 100, 120], 2, 120, 113, 0.6124248824255203],
    [[...Array<number>(20).fill(1), ...Array<number>(10).fill(2), 50, 60], 12, 100, 91, 0.5392309964031143],
  ])('categories of %j rows, %i current-only, %i and %i values: p=%d, as numpy', (totals, observed, n, m, p) => {
    expect(Math.abs(newCategoriesPValue(totals, observed, n, m) - p) / p).toBeLessThan(1e-9);
  });
});

describe("a constant reference column: Fisher's exact test of the values that moved", () => {
  // /usr/bin/python3 -c "from scipy.stats import fisher_exact as f; print(f([[n, 0], [m - k, k]],
  // alternative='greater').pvalue)"
  it.each([
    [100, 100, 1, 0.5],
    [3000, 2000, 40, 9.546137111470217e-17],
    [898, 898, 5, 0.031076050937800512],
    [50, 20, 0, 1],
  ])('n=%i, m=%i, k=%i: p=%d, as scipy', (n, m, k, p) => {
    expect(constantMovedPValue(n, m, k)).toBeCloseTo(p, 12);
    expect(Math.abs(constantMovedPValue(n, m, k) - p) / p).toBeLessThan(1e-9);
  });
});

describe('roles, identifiers, new categories and the verdict', () => {
  it('judges the label apart: outside the correction and the dataset verdict', async () => {
    const rows = (n: number, positives: number) =>
      `x,y\n${Array.from({ length: n }, (_, i) => `${noise(i).toFixed(4)},${i % 100 < positives ? 1 : 0}`).join('\n')}\n`;
    const report = detectDrift(await profileOf(rows(600, 30)), await profileOf(rows(600, 60)), {
      ...options,
      label: 'y',
    });
    const y = report.features.find((f) => f.column === 'y')!;
    expect(y).toMatchObject({ role: 'label', status: 'drift', test: 'ztest' });
    expect(y.p_adjusted).toBeUndefined();
    expect(report.dataset_drift).toBe(false);
    expect(report.verdict).toBe('no_drift');
  });

  it('names new categories; in a text column they are drift, when more than chance, unless new-categories is note', async () => {
    const column = (newRows: number) =>
      `c\n${Array.from({ length: 300 }, (_, i) => (i < newRows ? 'zz' : ['a', 'b', 'c'][i % 3])).join('\n')}\n`;
    const ref = await profileOf(column(0));
    const cur = await profileOf(column(12));
    const [drift] = detectDrift(ref, cur, { ...options, correction: 'none' }).features;
    expect(drift).toMatchObject({ status: 'drift', new_categories: [{ value: 'zz', count: 12 }] });
    expect(drift!.reason).toMatch(/new category "zz" \(12 rows\): new-category p-value \S+ < 0\.05/);
    const [noted] = detectDrift(ref, cur, { ...options, newCategories: 'note' }).features;
    expect(noted).toMatchObject({ new_categories: [{ value: 'zz', count: 12 }] });
    expect(noted!.reason).toMatch(/new category "zz" \(12 rows\) \(named only: new-categories is note\)/);
    // Two rows of a new value among 300 are what a reference of 300 rows leaves unseen by chance: named, not drift.
    const [chance] = detectDrift(ref, await profileOf(column(2)), options).features;
    expect(chance).toMatchObject({ status: 'ok', new_categories: [{ value: 'zz', count: 2 }] });
    expect(chance!.reason).toMatch(/^new category "zz" \(2 rows\) \(within chance: new-category BH-adjusted p-value/);
  });

  it('needs a distance to be significant too: a distance over its threshold on noise alone is not drift', async () => {
    // 60 categories drawn evenly on both sides, 1,200 rows a side: Jensen-Shannon's noise alone is near 0.1.
    const draw = (seed: number) => {
      let state = seed;
      return `c\n${Array.from({ length: 1200 }, () => `k${((state = (state * 16807) % 2147483647)) % 60}`).join('\n')}\n`;
    };
    const report = detectDrift(await profileOf(draw(1)), await profileOf(draw(2)), {
      ...options,
      smallSample: 100,
      thresholds: { jensenshannon: 0.05 },
    });
    const [c] = report.features;
    expect(c).toMatchObject({ test: 'jensenshannon', significance_test: 'chi2', status: 'ok' });
    expect(c!.statistic!).toBeGreaterThan(0.05);
    expect(c!.reason).toMatch(/^jensenshannon \S+ ≥ 0\.05, but not significant by chi2 BH-adjusted p-value/);
  });

  it('says when nothing could be tested', async () => {
    const ref = await profileOf(
      table(
        500,
        (i) => noise(i).toFixed(4),
        (i) => ['a', 'b', 'c'][i % 3]!,
        (i) => i % 2,
      ),
    );
    const cur = await profileOf(
      table(
        15,
        (i) => noise(i).toFixed(4),
        (i) => ['a', 'b', 'c'][i % 3]!,
        (i) => i % 2,
      ),
    );
    const report = detectDrift(ref, cur, options);
    expect(report.features.map((f) => f.status)).toEqual([
      'insufficient_data',
      'insufficient_data',
      'insufficient_data',
    ]);
    expect(report).toMatchObject({ verdict: 'not_tested', dataset_drift: false });
  });

  it('refuses a per-column test its column cannot take, and a per-column threshold out of its range', async () => {
    const ref = await profileOf(
      table(
        300,
        (i) => noise(i).toFixed(4),
        (i) => ['a', 'b', 'c'][i % 3]!,
        (i) => i % 2,
      ),
    );
    expect(() => detectDrift(ref, ref, { ...options, tests: { c: 'ks' }, inputLabel: (n) => `input "${n}"` })).toThrow(
      /^input "tests": ks cannot test categorical columns \(c\)/,
    );
    expect(() => detectDrift(ref, ref, { ...options, thresholds: { x: 2 } })).toThrow(
      /^thresholds: x=2 is out of range: ks is judged by a p-value/,
    );
    expect(() => detectDrift(ref, ref, { ...options, columns: ['x', 'nope'] })).toThrow(
      /^columns: nope is not a column of the reference \(its columns: x, c, b\)/,
    );
  });
});
