import type { DriftReport, FeatureDrift } from '../documents.js';
import { ownValue } from '../own-value.js';
import { distinctSampleValues, sampleValueAt, sortedSampleNumbers, type ColumnProfile, type Profile } from '../profile/profile.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { chiSquareContingency } from '../stats/chi-square-contingency.js';
import { jensenShannonDistance } from '../stats/jensen-shannon.js';
import { ks2samp } from '../stats/ks-2samp.js';
import { populationStabilityIndex } from '../stats/psi.js';
import { twoProportionZTest } from '../stats/two-proportion-z-test.js';
import { normedWasserstein, wasserstein1 } from '../stats/wasserstein.js';

export const DRIFT_TESTS = ['ks', 'chi2', 'ztest', 'psi', 'jensenshannon', 'wasserstein'] as const;
export type DriftTest = (typeof DRIFT_TESTS)[number];

/** Tests judged by a p-value (drift below the threshold); the others by a distance (drift at or above it). */
const P_VALUE_TESTS = new Set<DriftTest>(['ks', 'chi2', 'ztest']);

/** Tests on category counts, which a profile keeps whole; the others compare the profiles' samples. */
const COUNT_TESTS = new Set<DriftTest>(['chi2', 'ztest', 'jensenshannon']);

export const DEFAULT_THRESHOLDS: Record<DriftTest, number> = { ks: 0.05, chi2: 0.05, ztest: 0.05, psi: 0.2, jensenshannon: 0.1, wasserstein: 0.1 };

export interface DriftOptions {
  /** Columns to check (default: every column of the reference). */
  columns?: readonly string[];
  /** A test per column, or per kind ('numeric', 'categorical', 'binary'), instead of the defaults. */
  tests?: Readonly<Record<string, DriftTest>>;
  /** A threshold per test or per column. */
  thresholds?: Readonly<Record<string, number>>;
  /** The dataset drifts when at least this share of checked columns drift. */
  driftShare: number;
  /** References of at most this many rows get tests with p-values; larger ones get distances. */
  smallReference: number;
  /** Fewer values than this on either side: insufficient data, not drift. */
  minValues: number;
  /** A change in the share of missing values larger than this is drift by itself. */
  nullShareChange: number;
  /** Benjamini-Hochberg adjustment of p-values across columns. */
  correction: 'none' | 'bh';
  createdAt: string;
}

export const DEFAULT_DRIFT_OPTIONS: Omit<DriftOptions, 'createdAt'> = { driftShare: 0.5, smallReference: 1000, minValues: 20, nullShareChange: 0.1, correction: 'none' };

type Kind = 'numeric' | 'categorical' | 'binary';

/**
 * Compares the current data with the reference, column by column, from their profiles: numeric columns by their
 * samples (KS for small references, normed Wasserstein otherwise), categorical and binary columns by their full
 * category counts (chi-square or z-test for small references, Jensen-Shannon otherwise). A jump in the share of
 * missing values is drift on its own; too few values is insufficient data; nothing reported is ever NaN. Against a
 * reference profile without a sample (written with sample-size 0) only the tests on category counts run: the other
 * columns are skipped, with the reason.
 */
export function detectDrift(reference: Profile, current: Profile, options: DriftOptions): DriftReport {
  const small = reference.dataset.rows <= options.smallReference;
  // A profile written with sample-size 0 keeps no rows: only tests on category counts can run against it.
  const sampled = reference.sample.size > 0;
  const names = options.columns ?? reference.columns.map((c) => c.name);
  const features: FeatureDrift[] = names.map((name) => {
    const ref = reference.columns.find((c) => c.name === name);
    const cur = current.columns.find((c) => c.name === name);
    if (!ref) return { column: name, test: 'none', status: 'skipped', reason: 'not in the reference data' };
    if (!cur) return { column: name, test: 'none', status: 'skipped', reason: 'missing from the current data' };
    return compareColumn(ref, cur, reference.dataset.rows, current.dataset.rows, small, options, sampled);
  });
  if (options.correction === 'bh') {
    const tested = features.filter((f) => f.p_value != null && P_VALUE_TESTS.has(f.test as DriftTest));
    benjaminiHochberg(tested.map((f) => f.p_value!)).forEach((p, i) => {
      const f = tested[i]!;
      f.p_value = p;
      if (f.status === 'drift' && !f.reason?.startsWith('missing values') && p >= f.threshold!) f.status = 'ok';
      if (f.status === 'ok' && p < f.threshold!) f.status = 'drift';
    });
  }
  const checked = features.filter((f) => f.status === 'ok' || f.status === 'drift');
  const drifted = checked.filter((f) => f.status === 'drift').length;
  return {
    schema: 'mlgate/drift-report@1',
    created_at: options.createdAt,
    reference: { source: reference.dataset.files.map((f) => f.path).join(', '), rows: reference.dataset.rows },
    current: { source: current.dataset.files.map((f) => f.path).join(', '), rows: current.dataset.rows },
    dataset_drift: checked.length > 0 && drifted / checked.length >= options.driftShare,
    drift_share: options.driftShare,
    features,
  };
}

function kindOf(column: ColumnProfile, sampled: boolean): Kind {
  // Without a sample, a column without category counts has no distinct count: its type decides.
  if (!sampled && !column.categories && column.type !== 'bool') return column.type === 'int' || column.type === 'float' || column.type === 'datetime' ? 'numeric' : 'categorical';
  const distinct = column.categories?.distinct ?? distinctSampleValues(column.sample, 5);
  if (column.type === 'bool' || distinct === 2) return 'binary';
  if ((column.type === 'int' || column.type === 'float' || column.type === 'datetime') && distinct > 5) return 'numeric';
  return 'categorical';
}

function compareColumn(ref: ColumnProfile, cur: ColumnProfile, refRows: number, curRows: number, small: boolean, options: DriftOptions, sampled: boolean): FeatureDrift {
  const kind = kindOf(ref, sampled);
  // Column names are data: a column named constructor must not find Object.prototype's.
  const test = ownValue(options.tests, ref.name) ?? ownValue(options.tests, kind) ?? defaultTest(kind, small);
  const threshold = ownValue(options.thresholds, ref.name) ?? ownValue(options.thresholds, test) ?? DEFAULT_THRESHOLDS[test];
  const base = { column: ref.name, kind, test, threshold };
  if (!sampled && ref.count > 0 && (!COUNT_TESTS.has(test) || !ref.categories || !cur.categories)) {
    return { ...base, status: 'skipped', reason: `the reference profile holds no sample (written with sample-size 0), and ${test} on this column needs one; only category counts are compared without it: write the reference with a sample-size above 0, or give it as data files` };
  }
  const refShare = refRows > 0 ? ref.nulls / refRows : 0;
  const curShare = curRows > 0 ? cur.nulls / curRows : 0;
  const values = [ref, cur].map((c) => (kind === 'numeric' ? sortedSampleNumbers(c.sample).length : c.count));
  if (values[0]! < options.minValues || values[1]! < options.minValues) {
    return { ...base, status: 'insufficient_data', reason: `${values[0]} reference and ${values[1]} current values; at least ${options.minValues} are needed on each side` };
  }
  const result = runTest(test, ref, cur);
  const nullJump = Math.abs(curShare - refShare) > options.nullShareChange;
  const drifted = P_VALUE_TESTS.has(test) ? result.p! < threshold : result.statistic >= threshold;
  const feature: FeatureDrift = {
    ...base,
    statistic: finite(result.statistic),
    p_value: result.p === undefined ? null : finite(result.p),
    effect_size: finite(result.effect),
    status: drifted || nullJump ? 'drift' : 'ok',
  };
  if (nullJump) feature.reason = `missing values went from ${(refShare * 100).toFixed(1)}% to ${(curShare * 100).toFixed(1)}%`;
  else if (result.note) feature.reason = result.note;
  const label = ref.type === 'datetime' ? (v: number) => new Date(v).toISOString().slice(0, 10) : (v: number) => String(round(v));
  feature.distribution = kind === 'numeric' ? binnedShares(sortedSampleNumbers(ref.sample), sortedSampleNumbers(cur.sample), label) : categoryShares(ref, cur);
  return feature;
}

function defaultTest(kind: Kind, small: boolean): DriftTest {
  if (kind === 'numeric') return small ? 'ks' : 'wasserstein';
  if (kind === 'binary') return small ? 'ztest' : 'jensenshannon';
  return small ? 'chi2' : 'jensenshannon';
}

interface TestResult {
  statistic: number;
  p?: number;
  effect: number;
  note?: string;
}

function runTest(test: DriftTest, ref: ColumnProfile, cur: ColumnProfile): TestResult {
  switch (test) {
    case 'ks': {
      const r = ks2samp(sortedSampleNumbers(ref.sample), sortedSampleNumbers(cur.sample));
      return { statistic: r.statistic, p: r.pValue, effect: r.statistic };
    }
    case 'wasserstein': {
      const a = sortedSampleNumbers(ref.sample);
      const b = sortedSampleNumbers(cur.sample);
      const normed = normedWasserstein(a, b);
      // A constant reference has no spread to norm by: any move at all is drift.
      if (Number.isNaN(normed)) {
        const raw = wasserstein1(a, b);
        return { statistic: raw > 0 ? Number.POSITIVE_INFINITY : 0, effect: raw, note: 'the reference is constant: compared by raw distance' };
      }
      return { statistic: normed, effect: normed };
    }
    case 'psi': {
      const r = populationStabilityIndex(sortedSampleNumbers(ref.sample), sortedSampleNumbers(cur.sample));
      return { statistic: r.psi, effect: r.psi };
    }
    case 'chi2':
    case 'jensenshannon':
    case 'ztest': {
      const [r, c] = alignedCounts(ref, cur);
      if (test === 'jensenshannon') {
        const d = jensenShannonDistance(r, c);
        return { statistic: d, effect: d };
      }
      if (test === 'ztest' && r.length <= 2) {
        const z = twoProportionZTest(r[0] ?? 0, sum(r), c[0] ?? 0, sum(c));
        return { statistic: z.statistic, p: z.pValue, effect: z.difference };
      }
      const chi = chiSquareContingency(r, c);
      return { statistic: chi.statistic, p: chi.pValue, effect: chi.cramersV };
    }
  }
}

function countsOf(column: ColumnProfile): Map<string, number> {
  if (column.categories) return new Map(column.categories.counts);
  const counts = new Map<string, number>();
  for (let i = 0; i < column.sample.length; i++) {
    const v = sampleValueAt(column.sample, i);
    if (v !== null) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return counts;
}

/** Category counts of both sides over the union of their categories (from the profile, or its sample). */
function alignedCounts(ref: ColumnProfile, cur: ColumnProfile): [number[], number[], string[]] {
  const a = countsOf(ref);
  const b = countsOf(cur);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return [keys.map((k) => a.get(k) ?? 0), keys.map((k) => b.get(k) ?? 0), keys];
}

const CHART_BINS = 10;
const CHART_CATEGORIES = 8;

/** Shares of both samples over 10 equal bins spanning both, labelled by their lower edges. */
function binnedShares(a: Float64Array, b: Float64Array, label: (value: number) => string): FeatureDrift['distribution'] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const values of [a, b]) {
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!(max > min)) return { labels: [label(min)], reference: [1], current: [1] };
  const width = (max - min) / CHART_BINS;
  const shares = (values: Float64Array) => {
    const counts = new Array<number>(CHART_BINS).fill(0);
    for (const v of values) counts[Math.min(CHART_BINS - 1, Math.floor((v - min) / width))]!++;
    return counts.map((n) => round(n / values.length));
  };
  return { labels: Array.from({ length: CHART_BINS }, (_, i) => label(min + i * width)), reference: shares(a), current: shares(b) };
}

/** Shares of the most frequent categories (of both sides together). */
function categoryShares(ref: ColumnProfile, cur: ColumnProfile): FeatureDrift['distribution'] {
  const [r, c, keys] = alignedCounts(ref, cur);
  const total = [sum(r), sum(c)];
  const order = keys.map((_, i) => i).sort((x, y) => r[y]! + c[y]! - (r[x]! + c[x]!)).slice(0, CHART_CATEGORIES);
  return { labels: order.map((i) => keys[i]!), reference: order.map((i) => round(r[i]! / (total[0] || 1))), current: order.map((i) => round(c[i]! / (total[1] || 1))) };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

function sum(values: readonly number[]): number {
  return values.reduce((x, y) => x + y, 0);
}

/** Reports never carry NaN or infinities: those become null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
