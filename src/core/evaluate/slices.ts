import type { SliceResult } from '../documents.js';
import type { Predictions } from './model-output.js';
import { compareFromState, exactMetrics } from './compare-models.js';
import { accumulateEvaluation, mergeEvaluationStates, type EvaluationState } from './evaluation-state.js';
import { countSlices, pairedRowsOf, testSlice, type SearchColumn, type SliceCell, type SliceCounts } from './weak-slices.js';

/** A column to slice by: numbers where its cells parse (NaN elsewhere) and each cell's text id. */
export interface SliceSource {
  name: string;
  numbers: Float64Array;
  ids: Int32Array;
  dictionary: readonly string[];
}

/** Numeric columns with more distinct values than this are cut into quartiles instead of sliced by value. */
const MAX_VALUE_SLICES = 20;

/** The label of a quartile slice `[low, high)`, the last one closed. */
function quartileLabel(low: number, high: number, last: boolean): string {
  return `[${format(low)}, ${format(high)}${last ? ']' : ')'}`;
}

/** The quartile edges of sorted values: min, the values at the 25th, 50th and 75th percentile (lower), max. */
function quartileEdges(valueAt: (index: number) => number, count: number): number[] {
  const cuts = [0.25, 0.5, 0.75].map((q) => valueAt(Math.floor(q * (count - 1))));
  return [valueAt(0), ...cuts, valueAt(count - 1)];
}

function quartileOf(edges: readonly number[], value: number): number {
  let q = 0;
  while (q < 3 && value >= edges[q + 1]!) q++;
  return q;
}

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
    const edges = quartileEdges((i) => sorted[i]!, sorted.length);
    column.numbers.forEach((v, r) => {
      if (Number.isNaN(v)) return add('(empty)', r);
      const q = quartileOf(edges, v);
      add(quartileLabel(edges[q]!, edges[q + 1]!, q === 3), r);
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
    const result: SliceResult = { column: column.name, value, rows: rows.length, candidate: asMetrics(candidate), baseline: baseline ? asMetrics(baseline) : null };
    if (baseline) result.test = pairedTest(countSlices({ codes: new Int32Array(rows.length), labels: [value] }, pairedRowsOf(subTruth, subset(candidate, pick), subset(baseline, pick)))[0]!);
    results.push(result);
  }
  return results;
}

/** The evaluation state of the rows of one value of a slice column, in one shard: its text (null when empty) and number. */
export interface SliceValueState {
  text: string | null;
  /** The value as a number, or null when it is not one (or empty). */
  number: number | null;
  rows: number;
  state: EvaluationState;
}

/** A shard sees at most this many values of a slice column: each value carries its own evaluation state. */
export const MAX_SHARD_SLICE_VALUES = 1000;

/**
 * The evaluation state of every value of a slice column in one shard (bootstrap-free: one bucket), so that the
 * merge can rebuild the slices of one run, quartiles included, from the shards' values.
 */
export function sliceValueStates(column: SliceSource, truth: Int32Array | Float64Array, models: readonly Predictions[], onTooMany: (values: number) => never): SliceValueState[] {
  const byId = new Map<number, number[]>();
  column.ids.forEach((id, r) => {
    let rows = byId.get(id);
    if (!rows) byId.set(id, (rows = []));
    rows.push(r);
  });
  if (byId.size > MAX_SHARD_SLICE_VALUES) onTooMany(byId.size);
  return [...byId].map(([id, rows]) => {
    const pick = Int32Array.from(rows);
    const subTruth = truth instanceof Int32Array ? Int32Array.from(pick, (r) => truth[r]!) : Float64Array.from(pick, (r) => truth[r]!);
    const number = column.numbers[rows[0]!]!;
    return {
      text: id < 0 ? null : column.dictionary[id]!,
      number: Number.isNaN(number) ? null : number,
      rows: rows.length,
      state: accumulateEvaluation(subTruth, models.map((m) => subset(m, pick)), new Uint32Array(rows.length), 1),
    };
  });
}

/**
 * The slices of one run from the shards' value states of a column: values merged across shards, then sliced as
 * sliceRows does (by value, or by quartile for a numeric column of many values, edges from the values' counts),
 * each slice's metrics from its merged state.
 */
export function mergeSliceStates(name: string, shards: readonly (readonly SliceValueState[])[], baseline: boolean, minRows: number, cells?: SliceCell[]): SliceResult[] {
  const byText = new Map<string | null, SliceValueState[]>();
  for (const values of shards) {
    for (const value of values) {
      const parts = byText.get(value.text);
      if (parts) parts.push(value);
      else byText.set(value.text, [value]);
    }
  }
  const values = [...byText].map(([text, parts]) => ({ text, number: parts[0]!.number, rows: parts.reduce((n, p) => n + p.rows, 0), states: parts.map((p) => p.state) }));
  const numeric = values.every((v) => v.text === null || v.number !== null);
  const slices = new Map<string, { rows: number; states: EvaluationState[] }>();
  const add = (key: string, rows: number, states: EvaluationState[]) => {
    const slice = slices.get(key) ?? { rows: 0, states: [] };
    slices.set(key, { rows: slice.rows + rows, states: [...slice.states, ...states] });
  };
  if (numeric && values.length > MAX_VALUE_SLICES) {
    // The sorted numbers of every row, as runs of equal values: the edges sliceRows picks by position.
    const runs = values.filter((v) => v.number !== null).sort((a, b) => a.number! - b.number!);
    const ends: number[] = [];
    let count = 0;
    for (const run of runs) ends.push((count += run.rows));
    const valueAt = (index: number) => runs[ends.findIndex((end) => index < end)]!.number!;
    const edges = quartileEdges(valueAt, count);
    for (const v of values) {
      if (v.number === null) add('(empty)', v.rows, v.states);
      else {
        const q = quartileOf(edges, v.number);
        add(quartileLabel(edges[q]!, edges[q + 1]!, q === 3), v.rows, v.states);
      }
    }
  } else {
    for (const v of values) add(v.text ?? '(empty)', v.rows, v.states);
  }
  const results: SliceResult[] = [];
  for (const [value, slice] of [...slices].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (slice.rows < minRows) continue;
    const merged = mergeEvaluationStates(slice.states);
    const compared = compareFromState(merged, { replicates: 0, seed: 0, bucketCount: 1 });
    // For the weak-slice search of a sharded run: McNemar's counts of the slice (classifiers with a baseline).
    const right = compared.classes[0]?.confusion.reduce((n, row, t) => n + row[t]!, 0);
    if (cells && merged.disagreements && right !== undefined) cells.push({ where: [{ column: name, value }], counts: { rows: slice.rows, candidate_right: right, ...merged.disagreements } });
    const result: SliceResult = { column: name, value, rows: slice.rows, candidate: compared.candidate, baseline: baseline ? compared.baseline : null };
    // The shards carry McNemar's counts per value; the paired errors of regressors are not carried, so no test for them.
    if (baseline && compared.mcnemar) result.test = { method: 'mcnemar', p_value: compared.mcnemar.pValue };
    results.push(result);
  }
  return results;
}

/** The paired test of a slice's counts, as a slice result records it. */
function pairedTest(counts: SliceCounts): NonNullable<SliceResult['test']> {
  return { method: counts.candidate_right !== undefined ? 'mcnemar' : 'paired-z', p_value: testSlice(counts).pValue };
}

/** Categorical columns with more values than this (ids, free text) are left out of the weak-slice search. */
export const MAX_SEARCH_VALUES = 50;
/** The quartile edges of a searched numeric column come from at most this many of its rows, evenly spaced. */
const EDGE_SAMPLE = 65_536;

/**
 * A column read for slicing as the weak-slice search cuts it: by value when it has few, by quartile when it is
 * numeric with many (edges from an evenly spaced sample of its rows: exact below 65,536 rows), left out (undefined)
 * when it is text with more than MAX_SEARCH_VALUES values.
 */
export function searchColumnOf(column: SliceSource): SearchColumn | undefined {
  const numeric = column.numbers.every((v, r) => !Number.isNaN(v) || column.ids[r] === -1);
  if (numeric && column.dictionary.length > MAX_VALUE_SLICES) return numericSearchColumn(column.name, column.numbers);
  if (column.dictionary.length > MAX_SEARCH_VALUES) return undefined;
  const empty = column.dictionary.length;
  const codes = Int32Array.from(column.ids, (id) => (id < 0 ? empty : id));
  return { name: column.name, codes, labels: [...column.dictionary, '(empty)'], categorical: true };
}

/** A numeric column (a model's feature) cut into quartiles for the weak-slice search; NaN in none. */
export function numericSearchColumn(name: string, values: ArrayLike<number>): SearchColumn {
  const step = Math.max(1, Math.ceil(values.length / EDGE_SAMPLE));
  const sample: number[] = [];
  for (let r = 0; r < values.length; r += step) if (!Number.isNaN(values[r]!)) sample.push(values[r]!);
  sample.sort((a, b) => a - b);
  if (sample.length === 0) return { name, codes: new Int32Array(values.length).fill(-1), labels: [], categorical: false };
  const edges = quartileEdges((i) => sample[i]!, sample.length);
  const codes = new Int32Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = values[r]!;
    // The sample's extremes need not be the column's: the first and last quartiles stay open at their outer end.
    codes[r] = Number.isNaN(v) ? -1 : quartileOf(edges, v);
  }
  const labels = [0, 1, 2, 3].map((q) => (q === 0 ? `< ${format(edges[1]!)}` : q === 3 ? `≥ ${format(edges[3]!)}` : quartileLabel(edges[q]!, edges[q + 1]!, false)));
  return { name, codes, labels, categorical: false };
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
