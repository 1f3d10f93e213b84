import { classificationMetricValues, classificationScores } from '../metrics/classification-metrics.js';
import type { CalibrationBins } from '../metrics/probability-metrics.js';
import { addRowTerms, addToCalibrationBin, PROBABILITY_TERMS } from '../metrics/row-terms.js';
import type { Predictions } from './model-output.js';
import {
  classifierOffset,
  classifierSlots,
  REGRESSION_ERRORS,
  REGRESSION_SHARED,
  regressorOffset,
  termsOffset,
} from './sums-layout.js';

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
  const stride = regressorOffset(models.length);
  const sums = new Float64Array(bucketCount * stride);
  const shift = truth.length > 0 ? truth[0]! : 0;
  const { rows, labelSum, labelSquares } = REGRESSION_SHARED;
  for (let r = 0; r < truth.length; r++) {
    const base = buckets[r]! * stride;
    const centred = truth[r]! - shift;
    sums[base + rows]!++;
    sums[base + labelSum]! += centred;
    sums[base + labelSquares]! += centred * centred;
  }
  const { absolute, squared, relative } = REGRESSION_ERRORS;
  models.forEach((model, m) => {
    if (model.task !== 'regression') return;
    const offset = regressorOffset(m);
    for (let r = 0; r < truth.length; r++) {
      const base = buckets[r]! * stride + offset;
      const error = Math.abs(truth[r]! - model.values[r]!);
      sums[base + absolute]! += error;
      sums[base + squared]! += error * error;
      sums[base + relative]! += error / Math.max(Math.abs(truth[r]!), Number.EPSILON);
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
  const stride = classifierSlots(k) * models;
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

/**
 * Adds rows `from` to `to` of classifier `m` into its sums: the confusion cell of each row, and with probabilities
 * its probability terms (addRowTerms); with `bins`, each row into its calibration bin by the confidence of its most
 * probable class, as addCalibrationRow does. Rows added in order in parts give exactly the sums of one pass.
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
  const offset = classifierOffset(k, m);
  if (!probabilities) {
    for (let r = from; r < to; r++) sums[buckets[r]! * stride + offset + truth[r]! * k + predicted[r]!]!++;
    return;
  }
  const terms = termsOffset(k);
  for (let r = from; r < to; r++) {
    const y = truth[r]!;
    const base = buckets[r]! * stride + offset;
    sums[base + y * k + predicted[r]!]!++;
    const best = addRowTerms(probabilities, k, r, y, sums, base + terms);
    if (bins) addToCalibrationBin(bins, probabilities[r * k + best]!, best === y);
  }
}

/**
 * Classifier `m`'s k×k confusion matrix (row = true class) within totals of classification sums (a view, not a copy).
 */
export function confusionFromTotals(layout: Omit<BucketSums, 'sums'>, totals: Float64Array, m: number): Float64Array {
  const offset = classifierOffset(layout.k, m);
  return totals.subarray(offset, offset + layout.k * layout.k);
}

/** The metrics that the bucket sums give, for model `m`, from one replicate's weighted totals. */
export function metricsFromTotals(
  layout: Omit<BucketSums, 'sums'>,
  totals: Float64Array,
  m: number,
): Record<string, number> {
  if (layout.task === 'classification') {
    const { k } = layout;
    const matrix = confusionFromTotals(layout, totals, m);
    let n = 0;
    for (const v of matrix) n += v;
    const metrics = classificationMetricValues(classificationScores(matrix as Float64Array, k));
    if (layout.probabilities) {
      const terms = classifierOffset(k, m) + termsOffset(k);
      for (let t = 0; t < PROBABILITY_TERMS.length; t++) metrics[PROBABILITY_TERMS[t]!] = totals[terms + t]! / n;
    }
    return metrics;
  }
  const n = totals[REGRESSION_SHARED.rows]!;
  const sum = totals[REGRESSION_SHARED.labelSum]!;
  const squares = totals[REGRESSION_SHARED.labelSquares]!;
  const base = regressorOffset(m);
  const sse = totals[base + REGRESSION_ERRORS.squared]!;
  const sst = squares - (sum * sum) / n;
  return {
    mae: totals[base + REGRESSION_ERRORS.absolute]! / n,
    rmse: Math.sqrt(sse / n),
    // As sklearn's r2_score with force_finite: 1 for a perfect fit of a constant target, else 0 when it is constant.
    r2: sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0,
    mape: totals[base + REGRESSION_ERRORS.relative]! / n,
  };
}
