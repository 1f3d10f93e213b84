import { holm } from '../stats/holm.js';
import { mcnemarTest } from '../stats/mcnemar.js';
import { normalSf } from '../stats/normal-sf.js';
import type { Predictions } from './model-output.js';

/**
 * The search for slices where the candidate is significantly worse than the baseline: every value of every
 * categorical column, every quartile of every numeric column, and (on enough rows) every cell of pairs of them. Each
 * slice gets a paired test of the two models on its rows (McNemar's for classifiers, a paired z-test of the absolute
 * errors for regressors), and Holm's correction runs over every slice searched, so that searching many slices does
 * not make chance differences look like regressions.
 */

/** What each row says about the two models: for classifiers, which of them got it right; for regressors, their errors. */
export type PairedRows =
  | { task: 'classification'; /** Per row: 1 when the candidate is right, plus 2 when the baseline is. */ outcome: Uint8Array }
  | { task: 'regression'; candidateError: Float64Array; baselineError: Float64Array };

/** A column cut into slices: each row's slice (−1: in none) and each slice's label. */
export interface SearchColumn {
  name: string;
  codes: Int32Array;
  labels: readonly string[];
  /** Categorical columns (not quartiles) pair with every other column when the data is large enough. */
  categorical: boolean;
}

/** The additive counts of one slice: enough for both models' metric and the paired test, and they add across shards. */
export interface SliceCounts {
  rows: number;
  /** Classification: rows each model got right, and the rows only one did. */
  candidate_right?: number;
  baseline_only?: number;
  candidate_only?: number;
  /** Regression: Σ|candidate error|, Σ|baseline error| and Σ(|candidate error| − |baseline error|)². */
  candidate_error?: number;
  baseline_error?: number;
  difference_squares?: number;
}

/** One searched slice: a value of a column, or a cell of two columns. */
export interface SliceCell {
  where: { column: string; value: string }[];
  counts: SliceCounts;
}

/** A slice where the candidate is significantly worse. */
export interface WeakSlice {
  where: { column: string; value: string }[];
  rows: number;
  /** accuracy (classification) or mae (regression) on the slice's rows. */
  metric: 'accuracy' | 'mae';
  baseline: number;
  candidate: number;
  /** candidate − baseline. */
  difference: number;
  p_value: number;
  /** Holm-adjusted over every slice searched. */
  p_adjusted: number;
}

export interface WeakSliceSearch {
  method: 'mcnemar' | 'paired-z';
  correction: 'holm';
  alpha: number;
  min_rows: number;
  /** The columns searched, and how many slices (values, quartiles, pair cells) were tested. */
  columns: string[];
  pairs: boolean;
  tested: number;
  slices: WeakSlice[];
}

export interface WeakSliceOptions {
  /** Slices with fewer rows are not tested (too few rows to see anything). */
  minRows: number;
  /** Family-wise error rate over all the slices searched. */
  alpha: number;
  /** Pairs of columns are searched from this many rows on. */
  pairMinRows?: number;
  /** At most this many column pairs (each pairs a categorical column with another), in column order. */
  maxPairs?: number;
}

/** The paired rows of a candidate and a baseline: which got each row right, or each one's absolute error. */
export function pairedRowsOf(truth: Int32Array | Float64Array, candidate: Predictions, baseline: Predictions): PairedRows {
  if (candidate.task === 'classification' && baseline.task === 'classification') {
    const outcome = new Uint8Array(truth.length);
    const c = candidate.predicted;
    const b = baseline.predicted;
    for (let r = 0; r < truth.length; r++) outcome[r] = (c[r] === truth[r] ? 1 : 0) | (b[r] === truth[r] ? 2 : 0);
    return { task: 'classification', outcome };
  }
  if (candidate.task !== 'regression' || baseline.task !== 'regression') throw new Error('the candidate and the baseline must be scored for the same task');
  return { task: 'regression', candidateError: Float64Array.from(truth, (y, r) => Math.abs(y - candidate.values[r]!)), baselineError: Float64Array.from(truth, (y, r) => Math.abs(y - baseline.values[r]!)) };
}

/** The family-wise error rate of the search over every slice searched. */
export const WEAK_SLICE_ALPHA = 0.05;
/** From this many rows on, pairs of columns are searched: below, their cells are mostly too small to test. */
export const PAIR_MIN_ROWS = 20_000;
/** A bound on the pairs searched: each costs one pass over the rows. */
export const MAX_PAIRS = 64;
/** The most slices listed in a report; the search says how many it tested. */
export const MAX_WEAK_SLICES = 20;

/** The counts of every slice of `column` (one pass over the rows). */
export function countSlices(column: { codes: Int32Array; labels: readonly string[] }, rows: PairedRows): SliceCounts[] {
  const slices = column.labels.length;
  const { codes } = column;
  if (rows.task === 'classification') {
    // Four outcomes per slice: neither right, only the candidate, only the baseline, both.
    const counts = new Float64Array(slices * 4);
    const { outcome } = rows;
    for (let r = 0; r < codes.length; r++) {
      const s = codes[r]!;
      if (s >= 0) counts[s * 4 + outcome[r]!]!++;
    }
    return Array.from({ length: slices }, (_, s) => {
      const [none, candidateOnly, baselineOnly, both] = counts.subarray(s * 4, s * 4 + 4);
      return { rows: none! + candidateOnly! + baselineOnly! + both!, candidate_right: candidateOnly! + both!, baseline_only: baselineOnly!, candidate_only: candidateOnly! };
    });
  }
  const counts = new Float64Array(slices * 4);
  const { candidateError, baselineError } = rows;
  for (let r = 0; r < codes.length; r++) {
    const s = codes[r]!;
    if (s < 0) continue;
    const c = candidateError[r]!;
    const b = baselineError[r]!;
    const at = s * 4;
    counts[at]!++;
    counts[at + 1]! += c;
    counts[at + 2]! += b;
    counts[at + 3]! += (c - b) * (c - b);
  }
  return Array.from({ length: slices }, (_, s) => ({ rows: counts[s * 4]!, candidate_error: counts[s * 4 + 1]!, baseline_error: counts[s * 4 + 2]!, difference_squares: counts[s * 4 + 3]! }));
}

/** The column pairs searched: each categorical column with every column after it, or before it when that one is not categorical. */
export function searchPairs(columns: readonly SearchColumn[], maxPairs = MAX_PAIRS): [number, number][] {
  const pairs: [number, number][] = [];
  for (let a = 0; a < columns.length; a++) {
    for (let b = a + 1; b < columns.length; b++) {
      if ((columns[a]!.categorical || columns[b]!.categorical) && pairs.length < maxPairs) pairs.push([a, b]);
    }
  }
  return pairs;
}

/** The cells of two columns as one column: code a·|b| + b, −1 where either is −1. */
export function pairColumn(a: SearchColumn, b: SearchColumn): SearchColumn {
  const width = b.labels.length;
  const codes = new Int32Array(a.codes.length);
  for (let r = 0; r < codes.length; r++) {
    const x = a.codes[r]!;
    const y = b.codes[r]!;
    codes[r] = x < 0 || y < 0 ? -1 : x * width + y;
  }
  const labels = a.labels.flatMap((x) => b.labels.map((y) => `${x}\u0000${y}`));
  return { name: `${a.name}\u0000${b.name}`, codes, labels, categorical: false };
}

/**
 * Every slice of the columns (and of their pairs, on `pairMinRows` rows or more) with its counts: what
 * weakSlicesOf tests. O(rows × (columns + pairs)).
 */
export function searchCells(columns: readonly SearchColumn[], rows: PairedRows, options: Pick<WeakSliceOptions, 'pairMinRows' | 'maxPairs'> = {}): { cells: SliceCell[]; pairs: boolean } {
  const cells: SliceCell[] = [];
  const n = rows.task === 'classification' ? rows.outcome.length : rows.candidateError.length;
  columns.forEach((column) => countSlices(column, rows).forEach((counts, s) => cells.push({ where: [{ column: column.name, value: column.labels[s]! }], counts })));
  const pairs = n >= (options.pairMinRows ?? PAIR_MIN_ROWS);
  if (pairs) {
    for (const [a, b] of searchPairs(columns, options.maxPairs)) {
      const left = columns[a]!;
      const right = columns[b]!;
      const width = right.labels.length;
      countSlices(pairColumn(left, right), rows).forEach((counts, s) => {
        if (counts.rows > 0) cells.push({ where: [{ column: left.name, value: left.labels[Math.floor(s / width)]! }, { column: right.name, value: right.labels[s % width]! }], counts });
      });
    }
  }
  return { cells, pairs };
}

/** The paired test of one slice: its two-sided p-value, each model's metric, and whether the candidate is worse. */
export function testSlice(counts: SliceCounts): { metric: 'accuracy' | 'mae'; baseline: number; candidate: number; pValue: number; worse: boolean } {
  const n = counts.rows;
  if (counts.candidate_right !== undefined) {
    const b = counts.baseline_only!;
    const c = counts.candidate_only!;
    const candidate = counts.candidate_right / n;
    return { metric: 'accuracy', candidate, baseline: candidate + (b - c) / n, pValue: mcnemarTest(b, c).pValue, worse: b > c };
  }
  const candidate = counts.candidate_error! / n;
  const baseline = counts.baseline_error! / n;
  const mean = candidate - baseline;
  // The sample variance of the paired differences d = |e_c| − |e_b|, from Σd and Σd².
  const variance = n > 1 ? Math.max(0, (counts.difference_squares! - n * mean * mean) / (n - 1)) : 0;
  const pValue = mean === 0 ? 1 : variance === 0 ? 0 : 2 * normalSf(Math.abs(mean) / Math.sqrt(variance / n));
  return { metric: 'mae', candidate, baseline, pValue, worse: mean > 0 };
}

/**
 * The slices where the candidate is significantly worse: each cell with at least `minRows` rows is tested, Holm's
 * correction runs over all of them, and those rejected at `alpha` where the candidate is worse are listed, the
 * strongest evidence first (at most MAX_WEAK_SLICES).
 */
export function weakSlicesOf(cells: readonly SliceCell[], options: WeakSliceOptions & { task: 'classification' | 'regression'; columns: string[]; pairs: boolean }): WeakSliceSearch {
  const tested = cells.filter((cell) => cell.counts.rows >= options.minRows).map((cell) => ({ cell, test: testSlice(cell.counts) }));
  const adjusted = holm(tested.map((t) => t.test.pValue));
  const weak = tested
    .map(({ cell, test }, i) => ({ cell, test, adjusted: adjusted[i]! }))
    .filter(({ test, adjusted }) => test.worse && adjusted <= options.alpha)
    .sort((x, y) => x.adjusted - y.adjusted || x.test.pValue - y.test.pValue || y.cell.counts.rows - x.cell.counts.rows)
    .slice(0, MAX_WEAK_SLICES)
    .map(({ cell, test, adjusted }): WeakSlice => ({ where: cell.where, rows: cell.counts.rows, metric: test.metric, baseline: test.baseline, candidate: test.candidate, difference: test.candidate - test.baseline, p_value: test.pValue, p_adjusted: adjusted }));
  return { method: options.task === 'classification' ? 'mcnemar' : 'paired-z', correction: 'holm', alpha: options.alpha, min_rows: options.minRows, columns: options.columns, pairs: options.pairs, tested: tested.length, slices: weak };
}
