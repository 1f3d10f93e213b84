import type { ColumnType } from '../data/batch.js';
import { isSorted, markSorted, sortValues } from '../stats/sort-values.js';
import { SortedDecimals } from './sorted-decimals.js';

/** Quantiles every numeric column's profile reports. */
export const PROFILE_QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
export const HISTOGRAM_BINS = 20;
/** Distinct values of a text column whose counts a profile keeps; the rest are summed as `other`. */
export const MAX_CATEGORIES = 1000;
/** Rows a profile's sample keeps unless told otherwise (the `sample-size` inputs' default). */
export const DEFAULT_SAMPLE_SIZE = 100_000;
/** A sample size that keeps every row (`sample-size: all`): a sample at least as large as the data is the data. */
export const SAMPLE_ALL = Number.POSITIVE_INFINITY;
export const DEFAULT_SAMPLE_SEED = 20_241_122;

export type SampleValue = number | string | boolean | null;

/**
 * A column's sampled values in sample order: for a column read as numbers, a Float64Array with NaN for null (a
 * million values then take 8 MB, not a JS array of boxed numbers); otherwise the values themselves.
 */
export type ColumnSample = SampleValue[] | Float64Array;

export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  /** Sum of squared deviations from the mean (keeps variance mergeable). */
  m2: number;
  variance: number | null;
  /** Every value is a whole number. */
  integral: boolean;
  quantiles: Record<string, number>;
  /** Equal-width bins over [min, max], counting the sample's values. */
  histogram: { edges: number[]; counts: number[] };
}

export interface CategorySummary {
  /** [value, count], most frequent first, at most MAX_CATEGORIES. */
  counts: [string, number][];
  distinct: number;
  /** Rows whose value is not among `counts`. */
  other: number;
  /** True when distinct values were more than MAX_CATEGORIES, so merged counts are approximate. */
  truncated: boolean;
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Rows with a value of the column's type. */
  count: number;
  nulls: number;
  /** Rows whose text did not parse as the type. */
  invalid: number;
  /**
   * Rows holding ±infinity (`inf`, `-Infinity`): float values, but kept out of `count` and of every moment, quantile
   * and histogram, which they would make infinite or NaN. Absent when none.
   */
  infinite?: number;
  numeric?: NumericSummary;
  categories?: CategorySummary;
  /** The column's values in the sampled rows, in sample order (aligned with `sample.priorities`). */
  sample: ColumnSample;
  /**
   * In memory only (see ProfileBuilder.finishSorted with `sortedOnly`): a numeric column's sorted sample held as
   * decimal integers, `sample` then empty. Read the sample with columnSample, which gives it as numbers either way.
   */
  sortedDecimals?: SortedDecimals;
}

export interface Profile {
  /** Documents of version 1 (JSON arrays for samples) read into the same shape. */
  schema: 'mlgate/profile@2';
  created_at: string;
  dataset: { files: { path: string; rows: number }[]; rows: number };
  /**
   * `size` is SAMPLE_ALL (Infinity) for a sample of every row; priorities ascend, one per sampled row. `sorted`
   * (in memory only, see ProfileBuilder.finishSorted): each column's sample is sorted on its own, rows are not
   * aligned and there are no priorities: such a profile is compared, never written or merged.
   */
  sample: { size: number; seed: number; priorities: number[] | Float64Array; sorted?: boolean };
  columns: ColumnProfile[];
}

/**
 * The `k` most frequent of the values whose counts are given (a count of 0 leaves a value out), most frequent first
 * and equal counts by value, as sorting them all would order them; with a heap of the k kept so far, so a column of
 * a million distinct values costs a pass, not a sort of a million entries.
 */
export function topCategories(
  values: readonly string[],
  counts: ArrayLike<number>,
  k: number,
): { top: [string, number][]; distinct: number } {
  // heap[0] is the kept value that ranks last: a new value enters by ranking ahead of it.
  const heap: number[] = [];
  const ahead = (a: number, b: number) =>
    counts[a]! > counts[b]! || (counts[a] === counts[b] && values[a]! < values[b]!);
  const siftDown = (from: number) => {
    for (let i = from; ; ) {
      const left = 2 * i + 1;
      let last = i;
      if (left < heap.length && ahead(heap[last]!, heap[left]!)) last = left;
      if (left + 1 < heap.length && ahead(heap[last]!, heap[left + 1]!)) last = left + 1;
      if (last === i) return;
      [heap[i], heap[last]] = [heap[last]!, heap[i]!];
      i = last;
    }
  };
  let distinct = 0;
  for (let id = 0; id < counts.length; id++) {
    if (!(counts[id]! > 0)) continue;
    distinct++;
    if (heap.length < k) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!ahead(heap[parent]!, heap[i]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (k > 0 && ahead(id, heap[0]!)) {
      heap[0] = id;
      siftDown(0);
    }
  }
  heap.sort((a, b) => (ahead(a, b) ? -1 : ahead(b, a) ? 1 : 0));
  return { top: heap.map((id) => [values[id]!, counts[id]!]), distinct };
}

/**
 * histogramOf of values sorted ascending: a value's bin only grows with the value, so each bin's first value is found
 * by bisection, O(bins log n) instead of a pass over a million values.
 */
export function histogramOfSorted(
  sorted: Float64Array | SortedDecimals,
  min: number,
  max: number,
  bins = HISTOGRAM_BINS,
): { edges: number[]; counts: number[] } {
  const halfWidth = (max / 2 - min / 2) / bins;
  // A range too narrow for its halves (subnormal extremes) gets the plain pass, whatever it makes of it.
  if (!(max > min) || !(halfWidth > 0))
    return histogramOf(sorted instanceof SortedDecimals ? sorted.decode() : sorted, min, max, bins);
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : (min / 2 + i * halfWidth) * 2));
  const binOf = (v: number) => Math.min(bins - 1, Math.max(0, Math.floor((v / 2 - min / 2) / halfWidth)));
  // starts[b]: the index of the first value in bin b or above.
  const starts = Array.from({ length: bins + 1 }, (_, b) => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (binOf(valueAt(sorted, middle)) < b) low = middle + 1;
      else high = middle;
    }
    return b === bins ? sorted.length : low;
  });
  return { edges, counts: Array.from({ length: bins }, (_, b) => starts[b + 1]! - starts[b]!) };
}

/** Counts of values in `bins` equal-width bins over [min, max]; the top edge is inclusive. */
export function histogramOf(
  values: ArrayLike<number>,
  min: number,
  max: number,
  bins = HISTOGRAM_BINS,
): { edges: number[]; counts: number[] } {
  if (!(max > min)) return { edges: [min, max], counts: [values.length] };
  // Halves, so that a range wider than float64 (-1e308 to 1e308) does not overflow; halving is exact, so for any
  // other range the edges and bins are those of (max - min) / bins.
  const halfWidth = (max / 2 - min / 2) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : (min / 2 + i * halfWidth) * 2));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((values[i]! / 2 - min / 2) / halfWidth)));
    counts[bin]!++;
  }
  return { edges, counts };
}

/** The numeric values of a sample, in sample order, leaving out nulls. */
export function sampleNumbers(sample: Readonly<ColumnSample>): Float64Array {
  const values = new Float64Array(sample.length);
  let n = 0;
  if (sample instanceof Float64Array) {
    for (let i = 0; i < sample.length; i++) if (!Number.isNaN(sample[i]!)) values[n++] = sample[i]!;
  } else for (const v of sample) if (typeof v === 'number') values[n++] = v;
  return values.subarray(0, n);
}

const sortedSamples = new WeakMap<object, Float64Array>();

/**
 * The numeric values of a sample in ascending order, sorted once per sample and kept: the drift tests on one column
 * (KS, Wasserstein, PSI, the chart) all read the same sorted values, and on a million rows the sort is their cost.
 * The caller must not change the result.
 */
export function sortedSampleNumbers(sample: Readonly<ColumnSample>): Float64Array {
  let sorted = sortedSamples.get(sample);
  // A sample sorted already (see ProfileBuilder.finishSorted) holds no NaN: it is its own sorted values.
  if (!sorted)
    sortedSamples.set(
      sample,
      (sorted = markSorted(
        sample instanceof Float64Array && isSorted(sample) ? sample : sortValues(sampleNumbers(sample)),
      )),
    );
  return sorted;
}

/** Decoded samples (see columnSample): the last few, a column's reference and current side at a time. */
const decoded: { from: SortedDecimals; values: Float64Array }[] = [];
const DECODED_KEPT = 2;

/**
 * The column's sample: `sample`, or the numbers of a sample held as sorted decimals (see sortedDecimals), decoded
 * once for as long as it is among the last two read. The tests of one column read its two sides several times
 * each, then never again: keeping all decoded would hold every column's float64 at once, the memory the decimals
 * spare, and decoding each afresh left 8 MB of garbage a side and a column on every row of a million (some 90 MB
 * of drift-check's peak before it was collected), so the next decode reuses the memory of the one it evicts. The
 * caller must not change the result, nor read it after reading the samples of two other such columns: hold a
 * column's two sides, not more.
 */
export function columnSample(column: Pick<ColumnProfile, 'sample' | 'sortedDecimals'>): ColumnSample {
  const from = column.sortedDecimals;
  if (!from) return column.sample;
  let entry = decoded.find((d) => d.from === from);
  if (!entry) {
    const evicted = decoded.length === DECODED_KEPT ? decoded.pop()! : undefined;
    const into = evicted?.values.length === from.length ? new Float64Array(evicted.values.buffer) : undefined;
    entry = { from, values: from.decode(into) };
    sortedSamples.set(entry.values, markSorted(entry.values));
    decoded.unshift(entry);
  }
  return entry.values;
}

/** Drops the decoded samples columnSample keeps, once a comparison is over (see detectDrift). */
export function forgetDecodedSamples(): void {
  decoded.length = 0;
}

/** The sample's value at `index`: null where a numeric sample holds NaN. */
export function sampleValueAt(sample: Readonly<ColumnSample>, index: number): SampleValue {
  const value = sample[index];
  return value === undefined || (typeof value === 'number' && Number.isNaN(value)) ? null : value;
}

/**
 * How many distinct non-null values the sample holds, counting no further than `limit + 1`: callers that only ask
 * whether there are more than a few stop after a few values, not after a million.
 */
export function distinctSampleValues(sample: Readonly<ColumnSample>, limit: number): number {
  const seen = new Set<SampleValue>();
  for (let i = 0; i < sample.length && seen.size <= limit; i++) {
    const value = sampleValueAt(sample, i);
    if (value !== null) seen.add(value);
  }
  return seen.size;
}

/** The sample's non-null values as JS values (for the few callers that need them: not for numeric samples' sake). */
export function nonNullSampleValues(sample: Readonly<ColumnSample>): SampleValue[] {
  const values: SampleValue[] = [];
  for (let i = 0; i < sample.length; i++) {
    const value = sampleValueAt(sample, i);
    if (value !== null) values.push(value);
  }
  return values;
}

/**
 * Quantiles by linear interpolation between closest ranks (numpy's and pandas' default), without sorting: the order
 * statistics needed are found by selection (see orderStatistics). May reorder `values`.
 */
export function selectQuantiles(values: Float64Array, qs: readonly number[]): Record<string, number> {
  const n = values.length;
  const result: Record<string, number> = {};
  if (n === 0) return result;
  const positions = [
    ...new Set(qs.flatMap((q) => [Math.floor((n - 1) * q), Math.min(Math.floor((n - 1) * q) + 1, n - 1)])),
  ].sort((a, b) => a - b);
  const at = orderStatistics(values, positions);
  for (const q of qs) {
    const position = (n - 1) * q;
    const low = Math.floor(position);
    const high = Math.min(low + 1, n - 1);
    result[String(q)] = interpolate(at.get(low)!, at.get(high)!, position - low);
  }
  return result;
}

/** selectQuantiles of values sorted ascending: the order statistics are read where they lie. */
export function sortedQuantiles(sorted: Float64Array | SortedDecimals, qs: readonly number[]): Record<string, number> {
  const n = sorted.length;
  const result: Record<string, number> = {};
  if (n === 0) return result;
  for (const q of qs) {
    const position = (n - 1) * q;
    const low = Math.floor(position);
    result[String(q)] = interpolate(valueAt(sorted, low), valueAt(sorted, Math.min(low + 1, n - 1)), position - low);
  }
  return result;
}

/** Value `index` of sorted numbers, held as float64 or as decimals (see SortedDecimals). */
function valueAt(sorted: Float64Array | SortedDecimals, index: number): number {
  return sorted instanceof SortedDecimals ? sorted.at(index) : sorted[index]!;
}

/** a + (b - a) * t, numpy's linear interpolation; for finite a and b also where b - a overflows (-1e308 to 1e308). */
function interpolate(a: number, b: number, t: number): number {
  const value = a + (b - a) * t;
  return Number.isFinite(value) || !Number.isFinite(a) || !Number.isFinite(b) ? value : a * (1 - t) + b * t;
}

/** The k-th smallest (0-based) of `values`, which it may reorder. */
export function kthSmallest(values: Float64Array, k: number): number {
  return orderStatistics(values, [k]).get(k)!;
}

/** Below this many values, selection runs on the values themselves (buckets would cost more than they spare). */
const BUCKETED_MIN = 4096;
const BUCKETS = 4096;

/**
 * The k-th smallest of `values` for each k of `positions` (ascending, distinct). Many values are first counted into
 * BUCKETS equal-width buckets between their extremes: the bucket is monotone in the value, so each order statistic
 * lies in a known bucket at a known rank, and only the values of those few buckets are copied out and selected
 * among (on a profile's 1e5-value samples, some 5 times faster than selecting among them all). Values bunched into
 * one bucket leave that bucket as large as the input: no worse than selecting among them all. Otherwise, and for
 * few or non-finite values, quickselect (Hoare, 1961) runs on `values` in place: the middle statistic first, then
 * each side's on that side only, so m statistics of n values cost O(n log m).
 */
function orderStatistics(values: Float64Array, positions: readonly number[]): Map<number, number> {
  const n = values.length;
  const found = new Map<number, number>();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n < BUCKETED_MIN || !Number.isFinite(max - min) || !(max > min)) {
    if (max === min) for (const k of positions) found.set(k, min);
    else {
      selectAll(values, 0, n - 1, positions, 0, positions.length);
      for (const k of positions) found.set(k, values[k]!);
    }
    return found;
  }
  const scale = BUCKETS / (max - min);
  const bucketOf = (v: number) => Math.min(BUCKETS - 1, Math.floor((v - min) * scale));
  const counts = new Int32Array(BUCKETS);
  for (let i = 0; i < n; i++) counts[bucketOf(values[i]!)]!++;
  // Each position's bucket and its rank there; each needed bucket gets an array of its own.
  const slotOf = new Int32Array(BUCKETS).fill(-1);
  const buckets: Float64Array[] = [];
  const wanted: { k: number; slot: number; rank: number }[] = [];
  let bucket = 0;
  let before = 0;
  for (const k of positions) {
    while (before + counts[bucket]! <= k) before += counts[bucket++]!;
    if (slotOf[bucket]! < 0) {
      slotOf[bucket] = buckets.length;
      buckets.push(new Float64Array(counts[bucket]!));
    }
    wanted.push({ k, slot: slotOf[bucket]!, rank: k - before });
  }
  const filled = new Int32Array(buckets.length);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const slot = slotOf[bucketOf(v)]!;
    if (slot >= 0) buckets[slot]![filled[slot]!++] = v;
  }
  for (const { k, slot, rank } of wanted) {
    const inBucket = buckets[slot]!;
    select(inBucket, 0, inBucket.length - 1, rank);
    found.set(k, inBucket[rank]!);
  }
  return found;
}

/** Puts each k of positions[from..to) (ascending, within [left, right]) in place, as select does for one. */
function selectAll(
  values: Float64Array,
  left: number,
  right: number,
  positions: readonly number[],
  from: number,
  to: number,
): void {
  if (from >= to) return;
  const middle = (from + to) >>> 1;
  const k = positions[middle]!;
  select(values, left, right, k);
  selectAll(values, left, k - 1, positions, from, middle);
  selectAll(values, k + 1, right, positions, middle + 1, to);
}

/** Puts the k-th smallest of values[left..right] at k, smaller ones before it and larger after. */
function select(values: Float64Array, left: number, right: number, k: number): void {
  let lo = left;
  let hi = right;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot keeps sorted and reversed input linear.
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
