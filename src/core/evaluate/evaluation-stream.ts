import { emptyCalibrationBins, type CalibrationBins } from '../metrics/probability-metrics.js';
import {
  averageRankings,
  KeySplit,
  rankKeys,
  rankMetricValues,
  rankTargets,
  type SplitKeys,
} from '../metrics/ranking-metrics.js';
import { resized } from '../data/typed-arrays.js';
import { addClassificationRows, emptyClassificationSums, type BucketSums } from './bucket-sums.js';
import { addDisagreements } from './evaluation-state.js';
import type { StreamedPredictions } from './model-output.js';

/**
 * The largest label read as a class index: beyond, no model has that many outputs (and the index must fit an Int32).
 */
const MAX_CLASS = 2 ** 31 - 1;

/** The additive part of a classifier evaluation, summed as the rows were scored. */
export interface SummedRows {
  /** The labels as class indices, as this sum read them. */
  truth: Int32Array;
  k: number;
  sums: BucketSums;
  /** Per model. */
  calibration: CalibrationBins[];
  /** With two models: McNemar's counts. */
  disagreements: { baseline_only: number; candidate_only: number } | null;
}

/**
 * The bucket sums, calibration bins and McNemar's counts of classifiers, summed batch by batch while the models
 * score, so that only the bootstrap and the ranking are left once the last batch is scored. It reads each label as
 * a class index, which holds when every label is an integer 0..k−1 of a k-class model (two for one output column):
 * the way resolveClasses reads such labels. It gives up (result undefined) on any other label, or on outputs that
 * are not streamed probabilities; and the caller keeps the result only when the classes it resolves at the end give
 * the same truth, row by row (see summedRowsFor). With `splitRankKeys` it also splits each model's scores by class
 * as they come (KeySplit), so that ranking them at the end only sorts.
 */
export class EvaluationStream {
  private buckets = new Uint32Array(1024);
  /** Each label as a class index; −1 where it is not a whole number from 0 (which gives up once that row is summed). */
  private truth = new Int32Array(1024);
  private read = 0;
  private summed = 0;
  private gaveUp = false;
  private state: Omit<SummedRows, 'truth'> | undefined;
  /** Per model, its rank targets' splits; undefined for a model whose scores are not float32 values. */
  private keys: (KeySplit[] | undefined)[] = [];

  constructor(
    private readonly bucketCount: number,
    private readonly splitRankKeys = false,
  ) {}

  /** The next rows' labels (as numbers: NaN where not) and bootstrap buckets, before they are scored. */
  addRows(labels: ArrayLike<number>, buckets: ArrayLike<number>, count: number): void {
    if (this.read + count > this.truth.length) {
      const capacity = Math.max(this.read + count, this.truth.length * 2);
      this.buckets = resized(this.buckets, capacity);
      this.truth = resized(this.truth, capacity);
    }
    for (let i = 0; i < count; i++) {
      const label = labels[i]!;
      this.truth[this.read + i] = Number.isInteger(label) && label >= 0 && label <= MAX_CLASS ? label : -1;
      this.buckets[this.read + i] = buckets[i]!;
    }
    this.read += count;
  }

  /**
   * Sums the rows every model has predicted since the last call. From row `changedFrom` on the predictions are new:
   * when that is a row already summed (a model's outputs turned out to be logits), every row is summed again.
   */
  update(predictions: readonly (StreamedPredictions | undefined)[], changedFrom: number): void {
    if (this.gaveUp) return;
    const k = predictions[0]?.k;
    if (k === undefined || predictions.some((p) => p === undefined || p.k !== k)) {
      this.gaveUp = true;
      return;
    }
    const models = predictions as readonly StreamedPredictions[];
    if (!this.state || changedFrom < this.summed) {
      this.state = {
        k,
        sums: emptyClassificationSums(k, models.length, this.bucketCount, true),
        calibration: models.map(() => emptyCalibrationBins()),
        disagreements: models.length === 2 ? { baseline_only: 0, candidate_only: 0 } : null,
      };
      this.keys = models.map(() =>
        this.splitRankKeys ? rankTargets(k).map((target) => new KeySplit(target)) : undefined,
      );
      this.summed = 0;
    }
    const from = this.summed;
    const to = Math.min(this.read, ...models.map((p) => p.predicted.length));
    const { state, truth, buckets } = this;
    const perClass = new Int32Array(k);
    for (let r = from; r < to; r++) {
      const y = truth[r]!;
      if (y < 0 || y >= k) {
        this.gaveUp = true;
        return;
      }
      perClass[y]!++;
    }
    // Each row once per model, for everything: the row's scores are read from memory once, not once per sum.
    models.forEach((p, m) => {
      const { predicted, probabilities } = p;
      const bins = state.calibration[m]!;
      const splits = this.keys[m];
      splits?.forEach((split) =>
        split.reserve(perClass[split.target.positive]!, to - from - perClass[split.target.positive]!),
      );
      let splitting = splits !== undefined;
      addClassificationRows(state.sums, m, truth, predicted, probabilities, buckets, from, to, bins);
      if (splits && p.outputBits) {
        for (const split of splits) split.addFloat32Rows(truth, p.outputBits, k, from, to);
      } else if (splits) {
        for (let r = from; r < to && splitting; r++)
          for (const split of splits) if (!split.addRow(truth[r]!, probabilities, k, r)) splitting = false;
      }
      if (!splitting) this.keys[m] = undefined;
    });
    if (state.disagreements)
      addDisagreements(state.disagreements, truth, models[0]!.predicted, models[1]!.predicted, from, to);
    this.summed = to;
  }

  /** The sums of every row read, once every one is scored; undefined when it gave up. */
  result(): SummedRows | undefined {
    if (!this.complete() || !this.state) return undefined;
    return { truth: this.truth.subarray(0, this.read), ...this.state };
  }

  private complete(): boolean {
    return !this.gaveUp && this.state !== undefined && this.summed === this.read;
  }

  /**
   * Every model's rank targets' keys (see KeySplit.keys), to rank as rankMetrics ranks the probabilities; undefined
   * when a model's keys could not be split. Valid when the result's truth is the caller's (summedRowsFor).
   */
  rankKeys(): SplitKeys[][] | undefined {
    if (!this.complete() || this.keys.some((splits) => !splits)) return undefined;
    return this.keys.map((splits) => splits!.map((split) => split.keys()));
  }

  /** Every model's rank metrics from rankKeys, on this thread. */
  ranked(): Record<string, number>[] | undefined {
    return this.rankKeys()?.map((keys) => rankMetricValues(averageRankings(keys.map(rankKeys))));
  }
}

/**
 * The streamed sums when they are of this truth (the classes resolved at the end) and number of classes; else
 * undefined.
 */
export function summedRowsFor(
  summed: SummedRows | undefined,
  truth: Int32Array | Float64Array,
  k: number,
): SummedRows | undefined {
  if (!summed || summed.k !== k || summed.truth.length !== truth.length) return undefined;
  for (let r = 0; r < truth.length; r++) if (summed.truth[r] !== truth[r]) return undefined;
  return summed;
}
