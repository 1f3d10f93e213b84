import type { ColumnType } from '../data/batch.js';

/** Quantiles every numeric column's profile reports. */
export const PROFILE_QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
export const HISTOGRAM_BINS = 20;
/** Distinct values of a text column whose counts a profile keeps; the rest are summed as `other`. */
export const MAX_CATEGORIES = 1000;
export const DEFAULT_SAMPLE_SIZE = 100_000;
export const DEFAULT_SAMPLE_SEED = 20_241_122;

export type SampleValue = number | string | boolean | null;

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
  numeric?: NumericSummary;
  categories?: CategorySummary;
  /** The column's values in the sampled rows, in sample order (aligned with `sample.priorities`). */
  sample: SampleValue[];
}

export interface Profile {
  schema: 'mlgate/profile@1';
  created_at: string;
  dataset: { files: { path: string; rows: number }[]; rows: number };
  sample: { size: number; seed: number; priorities: number[] };
  columns: ColumnProfile[];
}

/** Quantiles of sorted values by linear interpolation between closest ranks (numpy's and pandas' default). */
export function quantilesOf(sorted: ArrayLike<number>, qs: readonly number[]): Record<string, number> {
  const result: Record<string, number> = {};
  if (sorted.length === 0) return result;
  for (const q of qs) {
    const position = (sorted.length - 1) * q;
    const low = Math.floor(position);
    const high = Math.min(low + 1, sorted.length - 1);
    result[String(q)] = sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
  }
  return result;
}

/** Counts of values in `bins` equal-width bins over [min, max]; the top edge is inclusive. */
export function histogramOf(values: ArrayLike<number>, min: number, max: number, bins = HISTOGRAM_BINS): { edges: number[]; counts: number[] } {
  if (!(max > min)) return { edges: [min, max], counts: [values.length] };
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((values[i]! - min) / width)));
    counts[bin]!++;
  }
  return { edges, counts };
}

/** The numeric values of a sample, sorted, leaving out nulls. */
export function sortedNumbers(sample: readonly SampleValue[]): Float64Array {
  const values = sample.filter((v): v is number => typeof v === 'number');
  return Float64Array.from(values).sort();
}
