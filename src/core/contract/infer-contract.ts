import type { ColumnContract, DataContract } from './contract.js';
import { nonNullSampleValues, type ColumnProfile, type Profile } from '../profile/profile.js';

export interface InferOptions {
  /** Observed ranges are widened by this share of their width on each side (0.1: 10%). */
  margin: number;
  /** Columns whose every value was distinct (checked exactly by the caller). */
  uniqueColumns: ReadonlySet<string>;
}

/**
 * A contract drafted from reference data, for a person to review: each column's type and nullability, its observed
 * range widened by the margin (for datetimes, only the earliest), the allowed values of categories, and uniqueness
 * where every value was distinct.
 */
export function inferContract(profile: Profile, options: InferOptions): DataContract {
  // Own keys for every name, __proto__ included (assigning it would set the object's prototype instead).
  const columns: Record<string, ColumnContract> = Object.fromEntries(
    profile.columns.map((column) => [column.name, inferColumn(column, profile.dataset.rows, options)]),
  );
  return {
    schema: 'mlgate/contract@1',
    dataset: { row_count: { min: 1 }, extra_columns: 'allow', order: 'any' },
    columns,
  };
}

function inferColumn(column: ColumnProfile, rows: number, options: InferOptions): ColumnContract {
  const contract: ColumnContract = { type: column.type };
  if (column.nulls === 0) contract.nullable = false;
  else
    contract.max_null_fraction = Math.min(
      1,
      Number(((column.nulls / Math.max(rows, 1)) * (1 + options.margin)).toPrecision(3)),
    );
  const numeric = column.numeric;
  // Infinities in the reference (counted apart, of unknown sign) would break any range: the range is left open.
  if (numeric && (column.type === 'int' || column.type === 'float') && !column.infinite) {
    // In halves, so that a range as wide as float64's (-1e308 to 1e308) gives a finite padding.
    const pad = (numeric.max / 2 - numeric.min / 2) * 2 * options.margin;
    // Data that never went below zero (counts, amounts, speeds) keeps zero as its floor.
    const min = Math.max(
      widen(numeric.min - pad, pad, column.type, 'down'),
      numeric.min >= 0 ? 0 : Number.NEGATIVE_INFINITY,
    );
    const max = widen(numeric.max + pad, pad, column.type, 'up');
    // A bound widened past float64's range is no bound: that side is left open.
    if (Number.isFinite(min)) contract.min = min;
    if (Number.isFinite(max)) contract.max = max;
  }
  // New data comes later than the reference: a datetime column gets a floor, not a ceiling.
  if (numeric && column.type === 'datetime') contract.min = new Date(numeric.min).toISOString();
  if (column.type === 'category' && column.categories)
    contract.allowed = column.categories.counts.map(([value]) => value).sort();
  if (options.uniqueColumns.has(column.name)) contract.unique = true;
  return contract;
}

/**
 * Rounds a bound outward to a tidy number: a whole number for ints; for floats, a multiple of the power of ten
 * just below the padding (a padding of 3.7 rounds to whole numbers, of 0.91 to tenths).
 */
function widen(value: number, pad: number, type: 'int' | 'float', direction: 'up' | 'down'): number {
  const step =
    type === 'int'
      ? 1
      : pad > 0
        ? 10 ** Math.floor(Math.log10(pad))
        : 10 ** (Math.floor(Math.log10(Math.abs(value) || 1)) - 3);
  const rounded = (direction === 'up' ? Math.ceil(value / step) : Math.floor(value / step)) * step;
  // The multiplication leaves binary noise (-0.6000000000000001): keep the decimal it stands for.
  return Number(rounded.toPrecision(12));
}

/** Columns a uniqueness pass should check: ints and strings whose sampled values were all distinct. */
export function uniqueCandidates(profile: Profile): string[] {
  return profile.columns
    .filter((c) => (c.type === 'int' || c.type === 'string') && c.nulls === 0 && c.count > 1)
    .filter((c) => {
      const values = nonNullSampleValues(c.sample);
      return new Set(values).size === values.length;
    })
    .map((c) => c.name);
}
