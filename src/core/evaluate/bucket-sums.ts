import { classificationMetricValues, classificationScores } from '../metrics/classification-metrics.js';
import type { CalibrationBins } from '../metrics/probability-metrics.js';
import type { Predictions } from './model-output.js';

/**
 * The additive statistics of one or two models, summed per bootstrap bucket: everything the bootstrap needs to
 * recompute accuracy, precision, recall, F1, log loss and Brier (classification) or MAE, RMSE, R² and MAPE
 * (regression) under any weighting of the buckets. Sums of shards add up to the sums of the whole.
 */
export interface BucketSums {
  task: 'classification' | 'regression';
  /** Classes (classification). */
  k: number;
  models: number;
  /** Numbers per bucket. */
  stride: number;
  /** Whether log loss and Brier are in the sums (models that output probabilities). */
  probabilities: boolean;
  /** For regression, the shift subtracted from every label before its sums (for precision). */
  shift: number;
  sums: Float64Array;
}

/** Sums per model for classification: the k×k confusion matrix, then Σ log loss and Σ Brier. */
const classificationStride = (k: number) => k * k + 2;
/** Regression: per model Σ|e|, Σe², Σ|e|/max(|y|, eps); once: n, Σ(y − shift), Σ(y − shift)². */
const REGRESSION_PER_MODEL = 3;
const REGRESSION_SHARED = 3;

/** Adds every row's statistics into its bucket. */
export function sumByBucket(
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
  buckets: Uint32Array,
  bucketCount: number,
): BucketSums {
  const first = models[0]!;
  if (first.task === 'classification') {
    const probabilities = models.every((m) => m.task === 'classification' && m.probabilities !== undefined);
    const state = emptyClassificationSums(first.k, models.length, bucketCount, probabilities);
    models.forEach((model, m) => {
      if (model.task === 'classification')
        addClassificationRows(
          state,
          m,
          truth,
          model.predicted,
          probabilities ? model.probabilities : undefined,
          buckets,
          0,
          truth.length,
        );
    });
    return state;
  }
  const stride = REGRESSION_SHARED + REGRESSION_PER_MODEL * models.length;
  const sums = new Float64Array(bucketCount * stride);
  const shift = truth.length > 0 ? truth[0]! : 0;
  for (let r = 0; r < truth.length; r++) {
    const base = buckets[r]! * stride;
    const centred = truth[r]! - shift;
    sums[base]!++;
    sums[base + 1]! += centred;
    sums[base + 2]! += centred * centred;
  }
  models.forEach((model, m) => {
    if (model.task !== 'regression') return;
    for (let r = 0; r < truth.length; r++) {
      const base = buckets[r]! * stride + REGRESSION_SHARED + m * REGRESSION_PER_MODEL;
      const error = Math.abs(truth[r]! - model.values[r]!);
      sums[base]! += error;
      sums[base + 1]! += error * error;
      sums[base + 2]! += error / Math.max(Math.abs(truth[r]!), Number.EPSILON);
    }
  });
  return { task: 'regression', k: 0, models: models.length, stride, probabilities: false, shift, sums };
}

/** An empty state of classification sums, to add rows into (addClassificationRows). */
export function emptyClassificationSums(
  k: number,
  models: number,
  bucketCount: number,
  probabilities: boolean,
): BucketSums {
  const stride = classificationStride(k) * models;
  return {
    task: 'classification',
    k,
    models,
    stride,
    probabilities,
    shift: 0,
    sums: new Float64Array(bucketCount * stride),
  };
}

/** float64 machine epsilon: the clip of rowLogLoss. */
const EPS = Number.EPSILON;

/**
 * Adds rows `from` to `to` of classifier `m` into its sums: the confusion cell of each row, and with probabilities
 * its log loss and Brier term, exactly as rowLogLoss and rowBrier give them; with `bins`, each row into its
 * calibration bin as addCalibrationRow does. Rows added in order in parts give exactly the sums of one pass. The
 * row's probabilities are read once for all of it: on the 1M-row benchmark this is the scoring thread's largest
 * cost after the models.
 */
export function addClassificationRows(
  state: BucketSums,
  m: number,
  truth: ArrayLike<number>,
  predicted: Int32Array,
  probabilities: Float64Array | undefined,
  buckets: Uint32Array,
  from: number,
  to: number,
  bins?: CalibrationBins,
): void {
  const { k, stride, sums } = state;
  const offset = m * classificationStride(k);
  if (!probabilities) {
    for (let r = from; r < to; r++) sums[buckets[r]! * stride + offset + truth[r]! * k + predicted[r]!]!++;
    return;
  }
  const squares = k * k;
  for (let r = from; r < to; r++) {
    const y = truth[r]!;
    const at = r * k;
    let clipped = 0;
    let brier = 0;
    let best = 0;
    let top = probabilities[at]!;
    for (let c = 0; c < k; c++) {
      const p = probabilities[at + c]!;
      clipped += Math.min(Math.max(p, EPS), 1 - EPS);
      const error = p - (c === y ? 1 : 0);
      brier += error * error;
      if (p > top) {
        top = p;
        best = c;
      }
    }
    const base = buckets[r]! * stride + offset;
    sums[base + y * k + predicted[r]!]!++;
    sums[base + squares]! += -Math.log(Math.min(Math.max(probabilities[at + y]!, EPS), 1 - EPS) / clipped);
    if (k === 2) {
      // brier_score_loss's term: the positive column alone (see rowBrier).
      const error = probabilities[at + 1]! - (y === 1 ? 1 : 0);
      brier = error * error;
    }
    sums[base + squares + 1]! += brier;
    if (bins) {
      const last = bins.count.length - 1;
      const bin = Math.min(last, Math.max(0, Math.ceil(top * bins.count.length) - 1));
      bins.count[bin]!++;
      bins.confidence[bin]! += top;
      if (best === y) bins.correct[bin]!++;
    }
  }
}

/** Classifier `m`'s k×k confusion matrix (row = true class) within totals of classification sums (a view, not a copy). */
export function confusionFromTotals(layout: Omit<BucketSums, 'sums'>, totals: Float64Array, m: number): Float64Array {
  const per = classificationStride(layout.k);
  return totals.subarray(m * per, m * per + layout.k * layout.k);
}

/** The metrics that the bucket sums give, for model `m`, from one replicate's weighted totals. */
export function metricsFromTotals(
  layout: Omit<BucketSums, 'sums'>,
  totals: Float64Array,
  m: number,
): Record<string, number> {
  if (layout.task === 'classification') {
    const { k } = layout;
    const per = classificationStride(k);
    const matrix = confusionFromTotals(layout, totals, m);
    let n = 0;
    for (const v of matrix) n += v;
    const metrics = classificationMetricValues(classificationScores(matrix as Float64Array, k));
    if (layout.probabilities) {
      metrics.log_loss = totals[m * per + k * k]! / n;
      metrics.brier = totals[m * per + k * k + 1]! / n;
    }
    return metrics;
  }
  const n = totals[0]!;
  const sum = totals[1]!;
  const squares = totals[2]!;
  const base = REGRESSION_SHARED + m * REGRESSION_PER_MODEL;
  const sse = totals[base + 1]!;
  const sst = squares - (sum * sum) / n;
  return {
    mae: totals[base]! / n,
    rmse: Math.sqrt(sse / n),
    // As sklearn's r2_score with force_finite: 1 for a perfect fit of a constant target, else 0 when it is constant.
    r2: sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0,
    mape: totals[base + 2]! / n,
  };
}
