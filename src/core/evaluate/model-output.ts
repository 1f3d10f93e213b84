import { DataError } from '../errors.js';

/** How to read a model's output: detected from its shape and type, or named by the user. */
export const OUTPUT_KINDS = ['auto', 'probabilities', 'logits', 'labels', 'values'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** A model's raw output for every row: `width` numbers per row, or one integer label per row. */
export interface RawOutput {
  data: Float32Array | Float64Array | Int32Array;
  width: number;
  /** True when the model's output tensor holds integers (class indices). */
  integer: boolean;
}

export type Predictions =
  | { task: 'classification'; k: number; predicted: Int32Array; probabilities: Float64Array | undefined; kind: Exclude<OutputKind, 'auto' | 'values'> }
  | { task: 'regression'; values: Float64Array; kind: 'values' };

/**
 * Turns a model's raw output into predictions. Classification: a float [rows, k] output whose rows are
 * distributions is read as probabilities, any other float output as logits (softmax; sigmoid for one column), an
 * integer output as class indices; one float column in [0, 1] is the probability of class 1. Regression: one
 * column of values. NaN or infinite outputs are the model's fault and are refused with the row they first occur in.
 */
export function readPredictions(raw: RawOutput, task: 'classification' | 'regression', k: number, kind: OutputKind, describeRow: (row: number) => string): Predictions {
  const rows = raw.width > 0 ? raw.data.length / raw.width : 0;
  for (let i = 0; i < raw.data.length; i++) {
    if (!Number.isFinite(raw.data[i]!)) throw new DataError(`the model's output is ${raw.data[i]} for ${describeRow(Math.floor(i / raw.width))}; a model must give finite values (check the inputs it got there, or the export)`);
  }
  if (task === 'regression') {
    if (raw.width !== 1) throw new DataError(`a regression model must output one value per row; this one outputs ${raw.width}; set task: classification if it is a classifier`);
    return { task, values: Float64Array.from(raw.data), kind: 'values' };
  }
  const detected = kind === 'auto' || kind === 'values' ? detectKind(raw) : kind;
  if (detected === 'labels') {
    const predicted = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const label = raw.data[r * raw.width]!;
      if (!Number.isInteger(label) || label < 0 || label >= k) throw new DataError(`the model predicts class ${label} for ${describeRow(r)}, but the data has ${k} classes (0 to ${k - 1})`);
      predicted[r] = label;
    }
    return { task, k, predicted, probabilities: undefined, kind: detected };
  }
  const width = raw.width === 1 ? 2 : raw.width;
  if (width !== k) throw new DataError(`the model outputs ${raw.width} ${raw.width === 1 ? 'score' : 'scores'} per row but the data has ${k} classes; set classes to the model's classes in its output order`);
  // In shared memory: another thread may rank them (ROC AUC, PR AUC) without a copy of its own.
  const probabilities = new Float64Array(new SharedArrayBuffer(rows * k * Float64Array.BYTES_PER_ELEMENT));
  const predicted = new Int32Array(rows);
  const data = raw.data;
  for (let r = 0; r < rows; r++) {
    const at = r * k;
    if (raw.width === 1) {
      const value = data[r]!;
      const p = detected === 'logits' ? 1 / (1 + Math.exp(-value)) : value;
      probabilities[at] = 1 - p;
      probabilities[at + 1] = p;
    } else {
      for (let c = 0; c < k; c++) probabilities[at + c] = data[at + c]!;
      if (detected === 'logits') softmaxInPlace(probabilities, at, k);
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[at + c]! > probabilities[at + best]!) best = c;
    predicted[r] = best;
  }
  return { task, k, predicted, probabilities, kind: detected };
}

/** Probabilities when every row is a distribution (within float32 rounding), logits otherwise. */
function detectKind(raw: RawOutput): 'probabilities' | 'logits' | 'labels' {
  if (raw.integer) return 'labels';
  const rows = raw.data.length / raw.width;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < raw.width; c++) {
      const value = raw.data[r * raw.width + c]!;
      if (value < 0 || value > 1) return 'logits';
      sum += value;
    }
    if (raw.width > 1 && Math.abs(sum - 1) > 1e-3) return 'logits';
  }
  return 'probabilities';
}

/** Softmax of values[at .. at + k) in place. */
function softmaxInPlace(values: Float64Array, at: number, k: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, values[at + c]!);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    values[at + c] = Math.exp(values[at + c]! - max);
    sum += values[at + c]!;
  }
  for (let c = 0; c < k; c++) values[at + c]! /= sum;
}
