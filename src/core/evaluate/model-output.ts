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
  | {
      task: 'classification';
      k: number;
      predicted: Int32Array;
      probabilities: Float64Array | undefined;
      kind: Exclude<OutputKind, 'auto' | 'values'>;
    }
  | { task: 'regression'; values: Float64Array; kind: 'values' };

/**
 * Turns a model's raw output into predictions. Classification: a float [rows, k] output whose rows are
 * distributions is read as probabilities, any other float output as logits (softmax; sigmoid for one column), an
 * integer output as class indices; one float column in [0, 1] is the probability of class 1. Regression: one
 * column of values. NaN or infinite outputs are the model's fault and are refused with the row they first occur in.
 */
export function readPredictions(
  raw: RawOutput,
  task: 'classification' | 'regression',
  k: number,
  kind: OutputKind,
  describeRow: (row: number) => string,
): Predictions {
  const rows = raw.width > 0 ? raw.data.length / raw.width : 0;
  for (let i = 0; i < raw.data.length; i++) {
    if (!Number.isFinite(raw.data[i]!))
      throw new DataError(
        `the model's output is ${raw.data[i]} for ${describeRow(Math.floor(i / raw.width))}; a model must give finite values (check the inputs it got there, or the export)`,
      );
  }
  if (task === 'regression') {
    if (raw.width !== 1)
      throw new DataError(
        `a regression model must output one value per row; this one outputs ${raw.width}; set task: classification if it is a classifier`,
      );
    return { task, values: Float64Array.from(raw.data), kind: 'values' };
  }
  const detected = kind === 'auto' || kind === 'values' ? detectKind(raw) : kind;
  if (detected === 'labels') {
    const predicted = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const label = raw.data[r * raw.width]!;
      if (!Number.isInteger(label) || label < 0 || label >= k)
        throw new DataError(
          `the model predicts class ${label} for ${describeRow(r)}, but the data has ${k} classes (0 to ${k - 1})`,
        );
      predicted[r] = label;
    }
    return { task, k, predicted, probabilities: undefined, kind: detected };
  }
  const width = raw.width === 1 ? 2 : raw.width;
  if (width !== k)
    throw new DataError(
      `the model outputs ${raw.width} ${raw.width === 1 ? 'score' : 'scores'} per row but the data has ${k} classes; set classes to the model's classes in its output order`,
    );
  // In shared memory: another thread may rank them (ROC AUC, PR AUC) without a copy of its own.
  const probabilities = new Float64Array(new SharedArrayBuffer(rows * k * Float64Array.BYTES_PER_ELEMENT));
  const predicted = new Int32Array(rows);
  convertRows(raw, detected, 0, rows, probabilities, predicted);
  return { task, k, predicted, probabilities, kind: detected };
}

/**
 * Rows `from` to `to` of a float output as class probabilities (k = 2 for one column, else its width) and the
 * predicted class of each (the first of equally likely ones).
 */
function convertRows(
  raw: RawOutput,
  kind: 'probabilities' | 'logits',
  from: number,
  to: number,
  probabilities: Float64Array,
  predicted: Int32Array,
): void {
  const { data, width } = raw;
  const k = width === 1 ? 2 : width;
  for (let r = from; r < to; r++) {
    const at = r * k;
    if (width === 1) {
      const value = data[r]!;
      const p = kind === 'logits' ? 1 / (1 + Math.exp(-value)) : value;
      probabilities[at] = 1 - p;
      probabilities[at + 1] = p;
    } else if (kind === 'logits') {
      // Softmax straight from the output, the largest logit subtracted first so that no exp overflows.
      let max = data[at]!;
      for (let c = 1; c < k; c++) if (data[at + c]! > max) max = data[at + c]!;
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(data[at + c]! - max);
        probabilities[at + c] = e;
        sum += e;
      }
      for (let c = 0; c < k; c++) probabilities[at + c]! /= sum;
    } else {
      for (let c = 0; c < k; c++) probabilities[at + c] = data[at + c]!;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[at + c]! > probabilities[at + best]!) best = c;
    predicted[r] = best;
  }
}

/** The streamed predictions when they are what readPredictions would give for this task and number of classes. */
export function streamedPredictions(
  streamed: StreamedPredictions | undefined,
  task: 'classification' | 'regression',
  k: number,
): Predictions | undefined {
  if (task !== 'classification' || !streamed || streamed.k !== k) return undefined;
  return { task, k, predicted: streamed.predicted, probabilities: streamed.probabilities, kind: streamed.kind };
}

/**
 * A scored model's predictions: those read batch by batch as it scored (PredictionStream) when they are what
 * readPredictions gives for this task and number of classes, else read from its whole output now.
 */
export function scoredPredictions(
  scored: { output: RawOutput; predictions?: StreamedPredictions },
  task: 'classification' | 'regression',
  k: number,
  kind: OutputKind,
  describeRow: (row: number) => string,
): Predictions {
  return streamedPredictions(scored.predictions, task, k) ?? readPredictions(scored.output, task, k, kind, describeRow);
}

/** The class probabilities and predicted classes of a classifier's float output, as readPredictions gives them. */
export interface StreamedPredictions {
  k: number;
  kind: 'probabilities' | 'logits';
  /** In shared memory, as readPredictions makes them. */
  probabilities: Float64Array;
  predicted: Int32Array;
  /**
   * The bits of the model's float32 output, row by row, when the probabilities are its values (`k` per row): ranking
   * keys come straight from them.
   */
  outputBits?: Uint32Array;
}

/**
 * readPredictions for a classifier's float output, done batch by batch while the model scores, so that nothing is
 * left to do once the last batch is scored. It assumes what readPredictions decides only at the end: that the task
 * is classification with one class per output column (two for one column). The caller checks that before it uses
 * the result. Outputs read as probabilities until a row is not a distribution; then every row so far is read again
 * as logits, so the result is the one readPredictions gives on the whole output. It gives up (result undefined) on
 * integer outputs, asked-for labels, or a value that is not finite, which readPredictions then reports.
 */
export class PredictionStream {
  private kind: 'probabilities' | 'logits';
  private readonly detect: boolean;
  private gaveUp: boolean;
  private converted = 0;
  private k = 0;
  private probabilities = new Float64Array(new SharedArrayBuffer(0));
  private predicted = new Int32Array(0);
  private outputBits: Uint32Array | undefined;

  constructor(asked: OutputKind) {
    this.detect = asked === 'auto' || asked === 'values';
    this.kind = asked === 'logits' ? 'logits' : 'probabilities';
    this.gaveUp = asked === 'labels';
  }

  /**
   * Reads the rows of `raw` (every output so far) that it has not read yet. Gives the first row whose predictions
   * are new: where the last call stopped, or 0 when the output turned out to be logits and every row was read again.
   */
  update(raw: RawOutput): number {
    if (this.gaveUp) return 0;
    if (raw.integer) {
      this.gaveUp = true;
      return 0;
    }
    const rows = raw.data.length / raw.width;
    this.k = raw.width === 1 ? 2 : raw.width;
    if (rows > this.predicted.length) this.grow(Math.max(rows, this.predicted.length * 2));
    if (
      this.kind === 'probabilities' &&
      raw.data instanceof Float32Array &&
      raw.width > 1 &&
      copyDistributions(raw.data, raw.width, this.converted, rows, this.probabilities, this.predicted)
    ) {
      this.outputBits = new Uint32Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
      const from = this.converted;
      this.converted = rows;
      return from;
    }
    this.outputBits = undefined;
    for (let i = this.converted * raw.width; i < raw.data.length; i++) {
      if (!Number.isFinite(raw.data[i]!)) {
        this.gaveUp = true;
        return 0;
      }
    }
    if (this.detect && this.kind === 'probabilities' && !areDistributions(raw, this.converted, rows)) {
      this.kind = 'logits';
      this.converted = 0;
    }
    const from = this.converted;
    convertRows(raw, this.kind, from, rows, this.probabilities, this.predicted);
    this.converted = rows;
    return from;
  }

  result(): StreamedPredictions | undefined {
    if (this.gaveUp) return undefined;
    const { converted: rows, k } = this;
    return {
      k,
      kind: this.kind,
      probabilities: this.probabilities.subarray(0, rows * k),
      predicted: this.predicted.subarray(0, rows),
      ...(this.outputBits ? { outputBits: this.outputBits } : {}),
    };
  }

  private grow(rows: number): void {
    const probabilities = new Float64Array(new SharedArrayBuffer(rows * this.k * Float64Array.BYTES_PER_ELEMENT));
    probabilities.set(this.probabilities.subarray(0, this.converted * this.k));
    const predicted = new Int32Array(rows);
    predicted.set(this.predicted.subarray(0, this.converted));
    this.probabilities = probabilities;
    this.predicted = predicted;
  }
}

/**
 * Rows `from` to `to` of a float32 output of `width` (> 1) columns copied as probabilities, with each row's predicted
 * class, as convertRows reads probabilities; false, with nothing promised of what it wrote, at a row that is not a
 * distribution (areDistributions) or a value that is not finite, for the caller to read those rows the long way.
 * One pass where the long way takes three: most models output distributions.
 */
function copyDistributions(
  data: Float32Array,
  width: number,
  from: number,
  to: number,
  probabilities: Float64Array,
  predicted: Int32Array,
): boolean {
  for (let r = from; r < to; r++) {
    const at = r * width;
    let sum = 0;
    let best = 0;
    let top = data[at]!;
    for (let c = 0; c < width; c++) {
      const value = data[at + c]!;
      // Also false for NaN.
      if (!(value >= 0 && value <= 1)) return false;
      sum += value;
      probabilities[at + c] = value;
      if (value > top) {
        top = value;
        best = c;
      }
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
    predicted[r] = best;
  }
  return true;
}

/** Probabilities when every row is a distribution (within float32 rounding), logits otherwise. */
function detectKind(raw: RawOutput): 'probabilities' | 'logits' | 'labels' {
  if (raw.integer) return 'labels';
  return areDistributions(raw, 0, raw.data.length / raw.width) ? 'probabilities' : 'logits';
}

/**
 * Whether rows `from` to `to` each hold values in [0, 1] that (for several columns) sum to 1 within float32 rounding.
 */
function areDistributions(raw: RawOutput, from: number, to: number): boolean {
  for (let r = from; r < to; r++) {
    let sum = 0;
    for (let c = 0; c < raw.width; c++) {
      const value = raw.data[r * raw.width + c]!;
      if (value < 0 || value > 1) return false;
      sum += value;
    }
    if (raw.width > 1 && Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

/**
 * A warning when the `output` the user named contradicts the values: `logits` on rows that already are distributions
 * (each in [0, 1], summing to 1: softmax would be applied twice, flattening every probability towards 1/k), or
 * `probabilities` on rows that are not (they would be read as they are, and log loss and Brier mean nothing). Only
 * an output named by the user is checked: `auto` reads the values so. Undefined when nothing is amiss.
 */
export function outputKindWarning(
  raw: RawOutput,
  asked: OutputKind,
  describeRow: (row: number) => string,
): string | undefined {
  if (raw.integer || (asked !== 'logits' && asked !== 'probabilities')) return undefined;
  const rows = raw.width > 0 ? raw.data.length / raw.width : 0;
  if (rows === 0) return undefined;
  if (asked === 'logits' && areDistributions(raw, 0, rows)) {
    return `output is logits, but every ${raw.width === 1 ? 'value' : 'row'} of the model's output is already ${raw.width === 1 ? 'a probability in [0, 1]' : 'a distribution (in [0, 1], summing to 1)'}, so ${raw.width === 1 ? 'the sigmoid' : 'softmax'} is applied twice; set output to probabilities (or auto)`;
  }
  if (asked === 'probabilities' && !areDistributions(raw, 0, rows)) {
    const bad = firstNonDistribution(raw, rows);
    return `output is probabilities, but the model's output for ${describeRow(bad)} is not ${raw.width === 1 ? 'in [0, 1]' : 'a distribution (in [0, 1], summing to 1)'}; set output to logits (or auto) if the model outputs scores`;
  }
  return undefined;
}

function firstNonDistribution(raw: RawOutput, rows: number): number {
  for (let r = 0; r < rows; r++) if (!areDistributions(raw, r, r + 1)) return r;
  return -1;
}
