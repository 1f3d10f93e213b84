import { parseDatetimeText } from '../data/cell-text.js';
import type { ColumnContract, DataContract } from './contract.js';
import type { ColumnProfile, Profile } from '../profile/profile.js';

export interface InferOptions {
  /** Observed ranges are widened by this share of their width on each side (0.1: 10%). */
  margin: number;
  /** Columns whose every value was distinct (checked exactly by the caller). */
  uniqueColumns: ReadonlySet<string>;
}

/**
 * A contract drafted from reference data, for a person to review: each column's type and nullability, its observed
 * range widened by the margin, the allowed values of categories, and uniqueness where every value was distinct.
 */
export function inferContract(profile: Profile, options: InferOptions): DataContract {
  const columns: Record<string, ColumnContract> = {};
  for (const column of profile.columns) columns[column.name] = inferColumn(column, profile.dataset.rows, options);
  return {
    schema: 'mlgate/contract@1',
    dataset: { row_count: { min: 1 }, extra_columns: 'allow', order: 'any' },
    columns,
  };
}

function inferColumn(column: ColumnProfile, rows: number, options: InferOptions): ColumnContract {
  const contract: ColumnContract = { type: column.type };
  if (column.nulls === 0) contract.nullable = false;
  else contract.max_null_fraction = Math.min(1, Number(((column.nulls / Math.max(rows, 1)) * (1 + options.margin)).toPrecision(3)));
  const numeric = column.numeric;
  if (numeric && (column.type === 'int' || column.type === 'float')) {
    const pad = (numeric.max - numeric.min) * options.margin;
    contract.min = widen(numeric.min - pad, column.type, 'down');
    contract.max = widen(numeric.max + pad, column.type, 'up');
  }
  if (column.type === 'datetime') {
    // Read as text when the type was inferred: the range then comes from the distinct texts.
    const times = numeric ? [numeric.min, numeric.max] : (column.categories?.counts ?? []).map(([text]) => parseDatetimeText(text)).filter((t) => !Number.isNaN(t));
    if (times.length > 0 && !column.categories?.truncated) {
      contract.min = new Date(Math.min(...times)).toISOString();
      contract.max = new Date(Math.max(...times)).toISOString();
    }
  }
  if (column.type === 'category' && column.categories) contract.allowed = column.categories.counts.map(([value]) => value).sort();
  if (options.uniqueColumns.has(column.name)) contract.unique = true;
  return contract;
}

/** Rounds a bound outward to a tidy number: whole for ints, 6 significant digits for floats. */
function widen(value: number, type: 'int' | 'float', direction: 'up' | 'down'): number {
  if (type === 'int') return direction === 'up' ? Math.ceil(value) : Math.floor(value);
  if (value === 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 5);
  const rounded = (direction === 'up' ? Math.ceil(value / magnitude) : Math.floor(value / magnitude)) * magnitude;
  // The multiplication leaves binary noise (-3.4000099999999995): print it as the decimal it stands for.
  return Number(rounded.toPrecision(12));
}

/** Columns a uniqueness pass should check: ints and strings whose sampled values were all distinct. */
export function uniqueCandidates(profile: Profile): string[] {
  return profile.columns
    .filter((c) => (c.type === 'int' || c.type === 'string') && c.nulls === 0 && c.count > 1)
    .filter((c) => {
      const values = c.sample.filter((v) => v !== null);
      return new Set(values).size === values.length;
    })
    .map((c) => c.name);
}
