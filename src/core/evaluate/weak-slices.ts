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

/**
 * What each row says about the two models: for classifiers, which of them got it right; for regressors, their errors.
 */
export type PairedRows =
  | {
      task: 'classification';
      /** Per row: 1 when the candidate is right, plus 2 when the baseline is. */
      outcome: Uint8Array;
    }
  | { task: 'regression'; candidateError: Float64Array; baselineError: Float64Array };

/** A row in no slice of a column (a number that is NaN, a file without the column). */
export const NO_SLICE = 255;

/** A column cut into slices: each row's slice (NO_SLICE: in none; at most 255 slices) and each slice's label. */
export interface CodedColumn {
  name: string;
  codes: Uint8Array;
  labels: readonly string[];
  /** Categorical columns (not quartiles) pair with every other column when the data is large enough. */
  categorical: boolean;
}

/**
 * A numeric column cut into quartiles by three edges: [−∞, e1), [e1, e2), [e2, e3), [e3, ∞); NaN in none. Its rows'
 * quartiles are computed as they are counted, never stored (see countQuartiles; quartileCodes is the plain twin).
 */
export interface QuartileColumn {
  name: string;
  /** The values, in consecutive parts (as read, batch by batch). */
  parts: readonly ArrayLike<number>[];
  edges: readonly [number, number, number];
  labels: readonly string[];
  categorical: false;
}

export type SearchColumn = CodedColumn | QuartileColumn;

/** The quartile of each row of a quartile column (NO_SLICE for NaN): what countQuartiles computes on the fly. */
export function quartileCodes(column: QuartileColumn): CodedColumn {
  const length = column.parts.reduce((n, p) => n + p.length, 0);
  const codes = new Uint8Array(length);
  const [e1, e2, e3] = column.edges;
  let at = 0;
  for (const part of column.parts)
    for (let r = 0; r < part.length; r++, at++) codes[at] = quartileOf(part[r]!, e1, e2, e3);
  return { name: column.name, codes, labels: column.labels, categorical: false };
}

/**
 * The quartile of a value, without branches: the comparisons summed as numbers. On values in random order a chain
 * of `v < e1 ? 0 : …` mispredicts about every other row; summing was 4 times faster on 1M rows (8 against 35 ms a
 * column, measured on a loaded 2-core machine). NaN compares false everywhere, hence its own (rare, predicted) test.
 */
function quartileOf(v: number, e1: number, e2: number, e3: number): number {
  return v === v ? +(v >= e1) + +(v >= e2) + +(v >= e3) : NO_SLICE;
}

/**
 * The counts of each quartile of `column`, and of each cell of it with each of the coded `partners` (cell
 * partner slice · 4 + quartile), in one pass over the rows: a quartile is computed once per row for all of them.
 */
export function countQuartiles(
  column: QuartileColumn,
  rows: PairedRows,
  partners: readonly CodedColumn[] = [],
): { singles: SliceCounts[]; pairs: SliceCounts[][] } {
  const [e1, e2, e3] = column.edges;
  const single = new Float64Array(4 * 4);
  const pairs = partners.map((p) => new Float64Array(p.labels.length * 4 * 4));
  const codes = partners.map((p) => p.codes);
  let at = 0;
  if (rows.task === 'classification') {
    const { outcome } = rows;
    // One count per row where it can be: a row in a cell of the first partner is counted there only, and the
    // quartiles' counts are those cells summed (below) plus the rows in none of its slices, counted in `single`.
    const first = codes[0];
    const firstPairs = pairs[0];
    for (const part of column.parts)
      at = first
        ? countPartWithPartners(part, at, column.edges, outcome, first, firstPairs!, single, codes, pairs)
        : countPart(part, at, column.edges, outcome, single);
    if (firstPairs) for (let i = 0; i < firstPairs.length; i++) single[i % 16]! += firstPairs[i]!;
  } else {
    const { candidateError, baselineError } = rows;
    const add = (sums: Float64Array, cell: number, c: number, e: number) => {
      sums[cell * 4]!++;
      sums[cell * 4 + 1]! += c;
      sums[cell * 4 + 2]! += e;
      sums[cell * 4 + 3]! += (c - e) * (c - e);
    };
    for (const part of column.parts) {
      for (let r = 0; r < part.length; r++, at++) {
        const q = quartileOf(part[r]!, e1, e2, e3);
        if (q === NO_SLICE) continue;
        add(single, q, candidateError[at]!, baselineError[at]!);
        for (let p = 0; p < codes.length; p++) {
          const y = codes[p]![at]!;
          if (y !== NO_SLICE) add(pairs[p]!, y * 4 + q, candidateError[at]!, baselineError[at]!);
        }
      }
    }
  }
  return { singles: countsOf(single, rows.task), pairs: pairs.map((sums) => countsOf(sums, rows.task)) };
}

/**
 * countQuartiles' loop over one part of a classification's rows, from row `at`, with partner columns; returns the row
 * after the part. The search's hottest loop (every feature × every row): a function of its own, each array a typed
 * parameter, so that it compiles to one tight loop without a check of what is loop-invariant.
 */
function countPartWithPartners(
  part: ArrayLike<number>,
  at: number,
  [e1, e2, e3]: readonly [number, number, number],
  outcome: Uint8Array,
  first: Uint8Array,
  firstPairs: Float64Array,
  single: Float64Array,
  codes: readonly Uint8Array[],
  pairs: readonly Float64Array[],
): number {
  const length = part.length;
  for (let r = 0; r < length; r++, at++) {
    // quartileOf written out: through the call and its NO_SLICE result this loop took 20% longer (1M rows × 20).
    const v = part[r]!;
    if (v !== v) continue;
    const q = +(v >= e1) + +(v >= e2) + +(v >= e3);
    const o = outcome[at]!;
    const y = first[at]!;
    if (y !== NO_SLICE) firstPairs[(y * 4 + q) * 4 + o]!++;
    else single[q * 4 + o]!++;
    for (let p = 1; p < codes.length; p++) {
      const z = codes[p]![at]!;
      if (z !== NO_SLICE) pairs[p]![(z * 4 + q) * 4 + o]!++;
    }
  }
  return at;
}

/** countPartWithPartners without partners: the quartiles' counts alone. */
function countPart(
  part: ArrayLike<number>,
  at: number,
  [e1, e2, e3]: readonly [number, number, number],
  outcome: Uint8Array,
  single: Float64Array,
): number {
  const length = part.length;
  for (let r = 0; r < length; r++, at++) {
    const v = part[r]!;
    if (v === v) single[(+(v >= e1) + +(v >= e2) + +(v >= e3)) * 4 + outcome[at]!]!++;
  }
  return at;
}

/** Slice counts from four sums per slice (see countSlices). */
function countsOf(sums: Float64Array, task: PairedRows['task']): SliceCounts[] {
  return Array.from({ length: sums.length / 4 }, (_, s) => {
    const [a, b, c, d] = sums.subarray(s * 4, s * 4 + 4) as unknown as [number, number, number, number];
    return task === 'classification'
      ? { rows: a + b + c + d, candidate_right: b + d, baseline_only: c, candidate_only: b }
      : { rows: a, candidate_error: b, baseline_error: c, difference_squares: d };
  });
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
export function pairedRowsOf(
  truth: Int32Array | Float64Array,
  candidate: Predictions,
  baseline: Predictions,
): PairedRows {
  if (candidate.task === 'classification' && baseline.task === 'classification') {
    const outcome = new Uint8Array(truth.length);
    const c = candidate.predicted;
    const b = baseline.predicted;
    for (let r = 0; r < truth.length; r++) outcome[r] = (c[r] === truth[r] ? 1 : 0) | (b[r] === truth[r] ? 2 : 0);
    return { task: 'classification', outcome };
  }
  if (candidate.task !== 'regression' || baseline.task !== 'regression')
    throw new Error('the candidate and the baseline must be scored for the same task');
  return {
    task: 'regression',
    candidateError: Float64Array.from(truth, (y, r) => Math.abs(y - candidate.values[r]!)),
    baselineError: Float64Array.from(truth, (y, r) => Math.abs(y - baseline.values[r]!)),
  };
}

/** The family-wise error rate of the search over every slice searched. */
export const WEAK_SLICE_ALPHA = 0.05;
/** From this many rows on, pairs of columns are searched: below, their cells are mostly too small to test. */
export const PAIR_MIN_ROWS = 20_000;
/** A bound on the pairs searched: each costs one pass over the rows. */
export const MAX_PAIRS = 64;
/** The most slices listed in a report; the search says how many it tested. */
export const MAX_WEAK_SLICES = 20;

/**
 * The counts of every slice of `column`, or with `other` of every cell of the two (slice a·|other| + b): one pass
 * over the rows, the pair's cells computed on the way rather than stored.
 */
export function countSlices(
  column: Pick<CodedColumn, 'codes' | 'labels'>,
  rows: PairedRows,
  other?: Pick<CodedColumn, 'codes' | 'labels'>,
): SliceCounts[] {
  const width = other ? other.labels.length : 1;
  const slices = column.labels.length * width;
  const a = column.codes;
  const b = other?.codes;
  // Four sums per slice: for classifiers the rows of each outcome (neither right, only the candidate, only the
  // baseline, both); for regressors n, Σ|e_c|, Σ|e_b|, Σ(|e_c| − |e_b|)².
  const counts = new Float64Array(slices * 4);
  if (rows.task === 'classification') {
    const { outcome } = rows;
    for (let r = 0; r < a.length; r++) {
      const x = a[r]!;
      if (x === NO_SLICE) continue;
      let at = x;
      if (b) {
        const y = b[r]!;
        if (y === NO_SLICE) continue;
        at = x * width + y;
      }
      counts[at * 4 + outcome[r]!]!++;
    }
    return countsOf(counts, 'classification');
  }
  const { candidateError, baselineError } = rows;
  for (let r = 0; r < a.length; r++) {
    const x = a[r]!;
    if (x === NO_SLICE) continue;
    let at = x;
    if (b) {
      const y = b[r]!;
      if (y === NO_SLICE) continue;
      at = x * width + y;
    }
    const c = candidateError[r]!;
    const e = baselineError[r]!;
    counts[at * 4]!++;
    counts[at * 4 + 1]! += c;
    counts[at * 4 + 2]! += e;
    counts[at * 4 + 3]! += (c - e) * (c - e);
  }
  return countsOf(counts, 'regression');
}

/**
 * The column pairs searched: each categorical column with every column after it, or before it when that one is not
 * categorical.
 */
export function searchPairs(columns: readonly SearchColumn[], maxPairs = MAX_PAIRS): [number, number][] {
  const pairs: [number, number][] = [];
  for (let a = 0; a < columns.length; a++) {
    for (let b = a + 1; b < columns.length; b++) {
      if ((columns[a]!.categorical || columns[b]!.categorical) && pairs.length < maxPairs) pairs.push([a, b]);
    }
  }
  return pairs;
}

/**
 * Every slice of the columns (and of their pairs, on `pairMinRows` rows or more) with its counts: what
 * weakSlicesOf tests. O(rows × (columns + pairs)).
 */
export function searchCells(
  given: readonly SearchColumn[],
  rows: PairedRows,
  options: Pick<WeakSliceOptions, 'pairMinRows' | 'maxPairs'> = {},
): { cells: SliceCell[]; pairs: boolean } {
  // A column with no slices (a number column with no value in the rows sampled) has nothing to search.
  const columns = given.filter((c) => c.labels.length > 0);
  const n = rows.task === 'classification' ? rows.outcome.length : rows.candidateError.length;
  const pairs = n >= (options.pairMinRows ?? PAIR_MIN_ROWS);
  const searched = pairs ? searchPairs(columns, options.maxPairs) : [];
  const singles: SliceCounts[][] = [];
  // Cells of pair (a, b), a before b in column order: slice of a · |b| + slice of b.
  const cellsOf = new Map<string, SliceCounts[]>();
  columns.forEach((column, i) => {
    if ('codes' in column) {
      singles[i] = countSlices(column, rows);
      return;
    }
    // A quartile column pairs with coded columns only; its pairs are counted in its own pass.
    const partners = searched.filter(([a, b]) => a === i || b === i).map(([a, b]) => (a === i ? b : a));
    const counted = countQuartiles(
      column,
      rows,
      partners.map((p) => columns[p] as CodedColumn),
    );
    singles[i] = counted.singles;
    partners.forEach((p, k) => {
      const byPartner = counted.pairs[k]!;
      // Counted as partner slice · 4 + quartile; stored in column order.
      const width = columns[p]!.labels.length;
      cellsOf.set(
        `${Math.min(i, p)},${Math.max(i, p)}`,
        p < i
          ? byPartner
          : Array.from({ length: 4 * width }, (_, cell) => byPartner[(cell % width) * 4 + Math.floor(cell / width)]!),
      );
    });
  });
  const cells: SliceCell[] = [];
  columns.forEach((column, i) =>
    singles[i]!.forEach((counts, s) =>
      cells.push({ where: [{ column: column.name, value: column.labels[s]! }], counts }),
    ),
  );
  for (const [a, b] of searched) {
    const left = columns[a]!;
    const right = columns[b]!;
    const counted = cellsOf.get(`${a},${b}`) ?? countSlices(left as CodedColumn, rows, right as CodedColumn);
    const width = right.labels.length;
    counted.forEach((counts, s) => {
      if (counts.rows > 0)
        cells.push({
          where: [
            { column: left.name, value: left.labels[Math.floor(s / width)]! },
            { column: right.name, value: right.labels[s % width]! },
          ],
          counts,
        });
    });
  }
  return { cells, pairs };
}

/** The paired test of one slice: its two-sided p-value, each model's metric, and whether the candidate is worse. */
export function testSlice(counts: SliceCounts): {
  metric: 'accuracy' | 'mae';
  baseline: number;
  candidate: number;
  pValue: number;
  worse: boolean;
} {
  const n = counts.rows;
  if (counts.candidate_right !== undefined) {
    const b = counts.baseline_only!;
    const c = counts.candidate_only!;
    const candidate = counts.candidate_right / n;
    return {
      metric: 'accuracy',
      candidate,
      baseline: candidate + (b - c) / n,
      pValue: mcnemarTest(b, c).pValue,
      worse: b > c,
    };
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
export function weakSlicesOf(
  cells: readonly SliceCell[],
  options: WeakSliceOptions & { task: 'classification' | 'regression'; columns: string[]; pairs: boolean },
): WeakSliceSearch {
  const tested = cells
    .filter((cell) => cell.counts.rows >= options.minRows)
    .map((cell) => ({ cell, test: testSlice(cell.counts) }));
  const adjusted = holm(tested.map((t) => t.test.pValue));
  const weak = tested
    .map(({ cell, test }, i) => ({ cell, test, adjusted: adjusted[i]! }))
    .filter(({ test, adjusted }) => test.worse && adjusted <= options.alpha)
    .sort((x, y) => x.adjusted - y.adjusted || x.test.pValue - y.test.pValue || y.cell.counts.rows - x.cell.counts.rows)
    .slice(0, MAX_WEAK_SLICES)
    .map(
      ({ cell, test, adjusted }): WeakSlice => ({
        where: cell.where,
        rows: cell.counts.rows,
        metric: test.metric,
        baseline: test.baseline,
        candidate: test.candidate,
        difference: test.candidate - test.baseline,
        p_value: test.pValue,
        p_adjusted: adjusted,
      }),
    );
  return {
    method: options.task === 'classification' ? 'mcnemar' : 'paired-z',
    correction: 'holm',
    alpha: options.alpha,
    min_rows: options.minRows,
    columns: options.columns,
    pairs: options.pairs,
    tested: tested.length,
    slices: weak,
  };
}
