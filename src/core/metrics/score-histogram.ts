import { float32Key } from '../stats/sort-values.js';

/**
 * Scores of the positive and the negative rows of one class, counted per bin: a bin holds the float32 scores that
 * share their top 20 bits (sign, exponent and 11 bits of mantissa), so it spans a relative width of 2^-11 (0.05%)
 * wherever the score lies, near 0 as near 1. Histograms of shards add up exactly to the histogram of the whole,
 * which is how ROC AUC and average precision survive a sharded evaluation; computed from bins, both come with the
 * largest error that the order of scores inside a bin could hide.
 */
export interface ScoreHistogram {
  /** Bin keys, ascending (they order as the scores do). */
  keys: number[];
  positives: number[];
  negatives: number[];
}

/** Mantissa bits dropped from a float32 score's sortable key to make its bin. */
const DROPPED_BITS = 12;

/** A metric computed from histograms, and how far from the exact value it can be at most. */
export interface BoundedValue {
  value: number;
  bound: number;
}

/** The histogram of class `positive` against the rest, from `scores[r * stride + offset]`. */
export function scoreHistogram(
  truth: ArrayLike<number>,
  positive: number,
  scores: ArrayLike<number>,
  stride: number,
  offset: number,
): ScoreHistogram {
  // Counted in a dense table over every possible bin (2^20 of them): one pass over the rows, then one over the
  // bins between the lowest and the highest met (probabilities span a few tens of thousands).
  const table = countTable();
  const float = new Float32Array(1);
  const bits = new Uint32Array(float.buffer);
  let low = table.length;
  let high = -1;
  for (let r = 0; r < truth.length; r++) {
    float[0] = scores[r * stride + offset]!;
    // −0 and +0 are one score.
    if (float[0] === 0) float[0] = 0;
    const slot = (float32Key(bits[0]!) >>> DROPPED_BITS) * 2;
    table[slot + (truth[r] === positive ? 0 : 1)]!++;
    if (slot < low) low = slot;
    if (slot > high) high = slot;
  }
  const histogram: ScoreHistogram = { keys: [], positives: [], negatives: [] };
  for (let slot = low; slot <= high; slot += 2) {
    const p = table[slot]!;
    const n = table[slot + 1]!;
    if (p === 0 && n === 0) continue;
    histogram.keys.push(slot / 2);
    histogram.positives.push(p);
    histogram.negatives.push(n);
    table[slot] = 0;
    table[slot + 1] = 0;
  }
  return histogram;
}

/** The zeroed table of counts, shared by every histogram (each leaves it zeroed). */
let sharedTable: Uint32Array | undefined;
function countTable(): Uint32Array {
  return (sharedTable ??= new Uint32Array(2 << (32 - DROPPED_BITS)));
}

/** The histogram of the union of the rows of several histograms. */
export function mergeHistograms(histograms: readonly ScoreHistogram[]): ScoreHistogram {
  const counts = new Map<number, [number, number]>();
  for (const h of histograms) {
    h.keys.forEach((key, i) => {
      let count = counts.get(key);
      if (!count) counts.set(key, (count = [0, 0]));
      count[0] += h.positives[i]!;
      count[1] += h.negatives[i]!;
    });
  }
  return fromCounts(counts);
}

function fromCounts(counts: Map<number, [number, number]>): ScoreHistogram {
  const keys = [...counts.keys()].sort((a, b) => a - b);
  return { keys, positives: keys.map((k) => counts.get(k)![0]), negatives: keys.map((k) => counts.get(k)![1]) };
}

/**
 * ROC AUC from bins: pairs of a positive and a negative in the same bin count one half, as ties do. The exact value
 * differs by at most half the share of such pairs. NaN when a class is absent.
 */
export function histogramRocAuc(h: ScoreHistogram): BoundedValue {
  let negativesBelow = 0;
  let pairs = 0;
  let sameBin = 0;
  let positives = 0;
  for (let i = 0; i < h.keys.length; i++) {
    const p = h.positives[i]!;
    const n = h.negatives[i]!;
    pairs += p * (negativesBelow + n / 2);
    sameBin += p * n;
    negativesBelow += n;
    positives += p;
  }
  const total = positives * negativesBelow;
  if (total === 0) return { value: Number.NaN, bound: 0 };
  return { value: pairs / total, bound: sameBin / total / 2 };
}

/**
 * Average precision from bins, each bin one threshold (as sklearn treats tied scores). Inside a bin the exact
 * precision at each positive lies between (tp0 + 1) / (tp0 + fp0 + 1 + n) (negatives first) and
 * (tp0 + p) / (tp0 + fp0 + p) (positives first), and the binned value between the two: the bound sums their gaps.
 */
export function histogramAveragePrecision(h: ScoreHistogram): BoundedValue {
  let total = 0;
  for (const p of h.positives) total += p;
  if (total === 0) return { value: Number.NaN, bound: 0 };
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let bound = 0;
  for (let i = h.keys.length - 1; i >= 0; i--) {
    const p = h.positives[i]!;
    const n = h.negatives[i]!;
    if (p > 0) {
      ap += (p / total) * ((tp + p) / (tp + p + fp + n));
      bound += (p / total) * ((tp + p) / (tp + p + fp) - (tp + 1) / (tp + 1 + fp + n));
    }
    tp += p;
    fp += n;
  }
  return { value: ap, bound };
}

/**
 * The mean of the values (and of the bounds) of the classes where the metric is defined, as a macro average; `strict`:
 * undefined unless defined for every class.
 */
export function macroAverage(values: readonly BoundedValue[], strict = false): BoundedValue {
  if (strict && values.some((v) => Number.isNaN(v.value))) return { value: Number.NaN, bound: 0 };
  const defined = values.filter((v) => !Number.isNaN(v.value));
  if (defined.length === 0) return { value: Number.NaN, bound: 0 };
  return {
    value: defined.reduce((s, v) => s + v.value, 0) / defined.length,
    bound: defined.reduce((s, v) => s + v.bound, 0) / defined.length,
  };
}
