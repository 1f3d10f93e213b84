import type { CalibrationBins } from './probability-metrics.js';

/**
 * The terms of one classified row that the probability metrics are means of, defined once: the reference passes
 * (logLoss, brierScore, calibrationBins) and the fused loop that sums the rows per bootstrap bucket, on the scoring
 * thread as the rows are scored (addClassificationRows), both add them with these functions, so a metric of this kind
 * is added here and in the table below.
 */

/** float64 machine epsilon: sklearn 1.2's log_loss clips probabilities to [eps, 1 − eps]. */
const EPS = Number.EPSILON;

/** The metrics that are the mean of a row's term, in the order addRowTerms writes the terms. */
export const PROBABILITY_TERMS = ['log_loss', 'brier'] as const;

/**
 * Adds the terms of row `row` (true class `y`) into `sums` from `offset` on, in PROBABILITY_TERMS order, and gives
 * the row's most probable class (the first of equals), whose probability is its confidence for the calibration error.
 * Probabilities are stored row by row, `k` per row. The row's probabilities are read once for all of it: on the
 * 1M-row benchmark the fused loop that calls this is the scoring thread's largest cost after the models.
 *
 * - log loss, as sklearn 1.2's log_loss with its default eps: the row's probabilities clipped to [eps, 1 − eps] and
 *   renormalised, then −log p[true class];
 * - Brier: Σ_k (p_k − [y = k])², and for two classes sklearn's brier_score_loss term, the positive column's
 *   (p_1 − y)² alone. Half the two-column sum is the same only when the row sums to 1 exactly, which a float32
 *   softmax does only within rounding (1e-9 off on real models).
 */
export function addRowTerms(
  probabilities: Float64Array,
  k: number,
  row: number,
  y: number,
  sums: Float64Array,
  offset: number,
): number {
  const at = row * k;
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
  sums[offset]! += -Math.log(Math.min(Math.max(probabilities[at + y]!, EPS), 1 - EPS) / clipped);
  if (k === 2) {
    const error = probabilities[at + 1]! - (y === 1 ? 1 : 0);
    brier = error * error;
  }
  sums[offset + 1]! += brier;
  return best;
}

/**
 * Adds a row of confidence `confidence` (the probability of its most probable class), right or not, into its bin of
 * `bins`: equal bins of (0, 1], right-closed.
 */
export function addToCalibrationBin(bins: CalibrationBins, confidence: number, correct: boolean): void {
  const last = bins.count.length - 1;
  const bin = Math.min(last, Math.max(0, Math.ceil(confidence * bins.count.length) - 1));
  bins.count[bin]!++;
  bins.confidence[bin]! += confidence;
  if (correct) bins.correct[bin]!++;
}
