import type { SliceResult } from '../documents.js';
import type { Predictions } from './model-output.js';
import { exactMetrics } from './compare-models.js';

/** A column to slice by: numbers where its cells parse (NaN elsewhere) and each cell's text id. */
export interface SliceSource {
  name: string;
  numbers: Float64Array;
  ids: Int32Array;
  dictionary: readonly string[];
}

/** Numeric columns with more distinct values than this are cut into quartiles instead of sliced by value. */
const MAX_VALUE_SLICES = 20;

/**
 * The rows of each slice of a column: one slice per value, or, for a numeric column with many values, one per
 * quartile (`[low, high)`, the last closed). Empty cells form the slice `(empty)`.
 */
export function sliceRows(column: SliceSource): Map<string, number[]> {
  const slices = new Map<string, number[]>();
  const add = (key: string, row: number) => {
    let rows = slices.get(key);
    if (!rows) slices.set(key, (rows = []));
    rows.push(row);
  };
  const numeric = column.numbers.every((v, r) => !Number.isNaN(v) || column.ids[r] === -1);
  const distinct = new Set(column.ids).size;
  if (numeric && distinct > MAX_VALUE_SLICES) {
    const sorted = column.numbers.filter((v) => !Number.isNaN(v)).sort();
    const cuts = [0.25, 0.5, 0.75].map((q) => sorted[Math.floor(q * (sorted.length - 1))]!);
    const edges = [sorted[0]!, ...cuts, sorted[sorted.length - 1]!];
    column.numbers.forEach((v, r) => {
      if (Number.isNaN(v)) return add('(empty)', r);
      let q = 0;
      while (q < 3 && v >= edges[q + 1]!) q++;
      add(`[${format(edges[q]!)}, ${format(edges[q + 1]!)}${q === 3 ? ']' : ')'}`, r);
    });
    return slices;
  }
  column.ids.forEach((id, r) => add(id < 0 ? '(empty)' : column.dictionary[id]!, r));
  return slices;
}

/** The metrics of each slice with at least `minRows` rows, for the candidate and the baseline. */
export function sliceMetrics(column: SliceSource, truth: Int32Array | Float64Array, candidate: Predictions, baseline: Predictions | undefined, minRows: number): SliceResult[] {
  const results: SliceResult[] = [];
  for (const [value, rows] of [...sliceRows(column)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (rows.length < minRows) continue;
    const pick = Int32Array.from(rows);
    const subTruth = truth instanceof Int32Array ? Int32Array.from(pick, (r) => truth[r]!) : Float64Array.from(pick, (r) => truth[r]!);
    const asMetrics = (p: Predictions) => Object.fromEntries(Object.entries(exactMetrics(subTruth, subset(p, pick))).map(([n, v]) => [n, { value: Number.isFinite(v) ? v : null }]));
    results.push({ column: column.name, value, rows: rows.length, candidate: asMetrics(candidate), baseline: baseline ? asMetrics(baseline) : null });
  }
  return results;
}

function subset(p: Predictions, rows: Int32Array): Predictions {
  if (p.task === 'regression') return { ...p, values: Float64Array.from(rows, (r) => p.values[r]!) };
  const probabilities = p.probabilities ? new Float64Array(rows.length * p.k) : undefined;
  if (probabilities) rows.forEach((r, i) => probabilities.set(p.probabilities!.subarray(r * p.k, r * p.k + p.k), i * p.k));
  return { ...p, predicted: Int32Array.from(rows, (r) => p.predicted[r]!), probabilities };
}

function format(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
