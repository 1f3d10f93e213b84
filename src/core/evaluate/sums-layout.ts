import { PROBABILITY_TERMS } from '../metrics/row-terms.js';

/**
 * Where each sum sits in a bucket's numbers (BucketSums): the one description of the positional layout that the sums,
 * the metrics read back from them, and the merge of shards' sums all use. Partial reports carry the sums as they lie,
 * so a change here is a change of the partial format.
 *
 * Classification, per model in turn: its k×k confusion matrix (row = true class), then one sum per probability
 * term (PROBABILITY_TERMS: Σ log loss, Σ Brier) when the models output probabilities (the slots are there, zero,
 * when they do not).
 * Regression: once the rows and the label's sums, centred on a shift for precision; then per model its error sums.
 */

/** The numbers of one classifier's sums in a bucket. */
export function classifierSlots(k: number): number {
  return k * k + PROBABILITY_TERMS.length;
}

/** Where classifier `m`'s sums start in a bucket. */
export function classifierOffset(k: number, m: number): number {
  return m * classifierSlots(k);
}

/** Where a classifier's probability terms start within its sums (PROBABILITY_TERMS order). */
export function termsOffset(k: number): number {
  return k * k;
}

/** Regression, once per bucket: the rows, Σ(y − shift), Σ(y − shift)². */
export const REGRESSION_SHARED = { rows: 0, labelSum: 1, labelSquares: 2, slots: 3 } as const;

/** Regression, per model after the shared sums: Σ|e|, Σe², Σ|e|/max(|y|, eps). */
export const REGRESSION_ERRORS = { absolute: 0, squared: 1, relative: 2, slots: 3 } as const;

/** Where regressor `m`'s error sums start in a bucket. */
export function regressorOffset(m: number): number {
  return REGRESSION_SHARED.slots + m * REGRESSION_ERRORS.slots;
}
