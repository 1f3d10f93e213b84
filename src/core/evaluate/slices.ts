import type { SliceResult } from '../documents.js';
import type { Predictions } from './model-output.js';
import { compareFromState, exactMetrics } from './compare-models.js';
import { accumulateEvaluation, mergeEvaluationStates, type EvaluationState } from './evaluation-state.js';
import {
  countSlices,
  pairedRowsOf,
  testSlice,
  type QuartileColumn,
  type SearchColumn,
  type SliceCell,
  type SliceCounts,
} from './weak-slices.js';

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
export function sliceMetrics(
  column: SliceSource,
  truth: Int32Array | Float64Array,
  candidate: Predictions,
  baseline: Predictions | undefined,
  minRows: number,
): SliceResult[] {
  const results: SliceResult[] = [];
  for (const [value, rows] of [...sliceRows(column)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (rows.length < minRows) continue;
    const pick = Int32Array.from(rows);
    const subTruth =
      truth instanceof Int32Array ? Int32Array.from(pick, (r) => truth[r]!) : Float64Array.from(pick, (r) => truth[r]!);
    const asMetrics = (p: Predictions) =>
      Object.fromEntries(
        Object.entries(exactMetrics(subTruth, subset(p, pick))).map(([n, v]) => [
          n,
          { value: Number.isFinite(v) ? v : null },
        ]),
      );
    const result: SliceResult = {
      column: column.name,
      value,
      rows: rows.length,
      candidate: asMetrics(candidate),
      baseline: baseline ? asMetrics(baseline) : null,
    };
    if (baseline)
      result.test = pairedTest(
        countSlices(
          { codes: new Uint8Array(rows.length), labels: [value] },
          pairedRowsOf(subTruth, subset(candidate, pick), subset(baseline, pick)),
        )[0]!,
      );
    results.push(result);
  }
  return results;
}

/**
 * The evaluation state of the rows of one value of a slice column, in one shard: its text (null when empty) and number.
 */
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
export function sliceValueStates(
  column: SliceSource,
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
  onTooMany: (values: number) => never,
): SliceValueState[] {
  const byId = new Map<number, number[]>();
  column.ids.forEach((id, r) => {
    let rows = byId.get(id);
    if (!rows) byId.set(id, (rows = []));
    rows.push(r);
  });
  if (byId.size > MAX_SHARD_SLICE_VALUES) onTooMany(byId.size);
  return [...byId].map(([id, rows]) => {
    const pick = Int32Array.from(rows);
    const subTruth =
      truth instanceof Int32Array ? Int32Array.from(pick, (r) => truth[r]!) : Float64Array.from(pick, (r) => truth[r]!);
    const number = column.numbers[rows[0]!]!;
    return {
      text: id < 0 ? null : column.dictionary[id]!,
      number: Number.isNaN(number) ? null : number,
      rows: rows.length,
      state: accumulateEvaluation(
        subTruth,
        models.map((m) => subset(m, pick)),
        new Uint32Array(rows.length),
        1,
      ),
    };
  });
}

/**
 * The slices of one run from the shards' value states of a column: values merged across shards, then sliced as
 * sliceRows does (by value, or by quartile for a numeric column of many values, edges from the values' counts),
 * each slice's metrics from its merged state.
 */
export function mergeSliceStates(
  name: string,
  shards: readonly (readonly SliceValueState[])[],
  baseline: boolean,
  minRows: number,
  cells?: SliceCell[],
): SliceResult[] {
  const byText = new Map<string | null, SliceValueState[]>();
  for (const values of shards) {
    for (const value of values) {
      const parts = byText.get(value.text);
      if (parts) parts.push(value);
      else byText.set(value.text, [value]);
    }
  }
  const values = [...byText].map(([text, parts]) => ({
    text,
    number: parts[0]!.number,
    rows: parts.reduce((n, p) => n + p.rows, 0),
    states: parts.map((p) => p.state),
  }));
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
    if (cells && merged.disagreements && right !== undefined)
      cells.push({
        where: [{ column: name, value }],
        counts: { rows: slice.rows, candidate_right: right, ...merged.disagreements },
      });
    const result: SliceResult = {
      column: name,
      value,
      rows: slice.rows,
      candidate: compared.candidate,
      baseline: baseline ? compared.baseline : null,
    };
    // The shards carry McNemar's counts per value; the paired errors of regressors are not carried, so no test for
    // them.
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
const EDGE_SAMPLE = 8_192;

/**
 * A column read for slicing as the weak-slice search cuts it: by value when it has few, by quartile when it is
 * numeric with many (numericSearchColumn), left out (undefined)
 * when it is text with more than MAX_SEARCH_VALUES values.
 */
export function searchColumnOf(column: SliceSource): SearchColumn | undefined {
  const { numbers, ids } = column;
  // Read as numbers only (sniffed as numeric): no text to slice by value.
  if (column.dictionary.length === 0 && numbers.some((v) => v === v))
    return numericSearchColumn(column.name, [numbers]);
  let numeric = true;
  for (let r = 0; r < numbers.length && numeric; r++) if (numbers[r] !== numbers[r] && ids[r] !== -1) numeric = false;
  if (numeric && column.dictionary.length > MAX_VALUE_SLICES) return numericSearchColumn(column.name, [numbers]);
  if (column.dictionary.length > MAX_SEARCH_VALUES) return undefined;
  const empty = column.dictionary.length;
  const codes = new Uint8Array(ids.length);
  for (let r = 0; r < ids.length; r++) codes[r] = ids[r]! < 0 ? empty : ids[r]!;
  return { name: column.name, codes, labels: [...column.dictionary, '(empty)'], categorical: true };
}

/**
 * A numeric column (a model's feature), given in consecutive parts, cut into quartiles for the weak-slice search:
 * edges from an evenly spaced sample of at most EDGE_SAMPLE rows (exact below), the outer quartiles open (the
 * sample's extremes need not be the column's). O(rows / step + s log s) for a sample of s rows.
 */
export function numericSearchColumn(name: string, parts: readonly ArrayLike<number>[]): QuartileColumn {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const step = Math.max(1, Math.ceil(length / EDGE_SAMPLE));
  const picked = new Float64Array(Math.ceil(length / step));
  let count = 0;
  let offset = 0;
  for (const part of parts) {
    // The rows at multiples of `step` across the parts.
    for (let r = (step - (offset % step)) % step; r < part.length; r += step)
      if (part[r] === part[r]) picked[count++] = part[r]!;
    offset += part.length;
  }
  // A typed array sorts numerically, natively: several times faster than an array with a comparator.
  const sample = picked.subarray(0, count).sort();
  // No value at all: every row below the first edge would be wrong, so every edge is NaN and every row in none.
  if (sample.length === 0)
    return { name, parts, edges: [Number.NaN, Number.NaN, Number.NaN], labels: [], categorical: false };
  const [, e1, e2, e3] = quartileEdges((i) => sample[i]!, sample.length) as [number, number, number, number, number];
  return {
    name,
    parts,
    edges: [e1, e2, e3],
    labels: [`< ${format(e1)}`, quartileLabel(e1, e2, false), quartileLabel(e2, e3, false), `≥ ${format(e3)}`],
    categorical: false,
  };
}

function subset(p: Predictions, rows: Int32Array): Predictions {
  if (p.task === 'regression') return { ...p, values: Float64Array.from(rows, (r) => p.values[r]!) };
  const probabilities = p.probabilities ? new Float64Array(rows.length * p.k) : undefined;
  if (probabilities)
    rows.forEach((r, i) => probabilities.set(p.probabilities!.subarray(r * p.k, r * p.k + p.k), i * p.k));
  return { ...p, predicted: Int32Array.from(rows, (r) => p.predicted[r]!), probabilities };
}

function format(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
