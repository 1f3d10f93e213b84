import { addRowTerms, addToCalibrationBin, PROBABILITY_TERMS } from './row-terms.js';

/**
 * The means of every row's probability terms (see addRowTerms): log loss as sklearn.metrics.log_loss, and the Brier
 * score (sklearn's brier_score_loss for two classes, the multi-class sum beyond). O(n·k).
 */
export function probabilityMetrics(
  yTrue: ArrayLike<number>,
  probabilities: Float64Array,
  k: number,
): Record<(typeof PROBABILITY_TERMS)[number], number> {
  const sums = new Float64Array(PROBABILITY_TERMS.length);
  for (let i = 0; i < yTrue.length; i++) addRowTerms(probabilities, k, i, yTrue[i]!, sums, 0);
  return Object.fromEntries(PROBABILITY_TERMS.map((metric, i) => [metric, sums[i]! / yTrue.length])) as Record<
    (typeof PROBABILITY_TERMS)[number],
    number
  >;
}

/** Log loss (cross-entropy), as sklearn.metrics.log_loss. O(n·k). */
export function logLoss(yTrue: ArrayLike<number>, probabilities: Float64Array, k: number): number {
  return probabilityMetrics(yTrue, probabilities, k).log_loss;
}

/** The Brier score: sklearn's brier_score_loss for two classes, the multi-class sum beyond. */
export function brierScore(yTrue: ArrayLike<number>, probabilities: Float64Array, k: number): number {
  return probabilityMetrics(yTrue, probabilities, k).brier;
}

/**
 * The additive state of the calibration error: per confidence bin, the rows, their summed confidence and the correct
 * ones.
 */
export interface CalibrationBins {
  count: number[];
  confidence: number[];
  correct: number[];
}

/** Rows binned by the confidence of their predicted class (`bins` equal bins of (0, 1], right-closed). */
export function calibrationBins(
  yTrue: ArrayLike<number>,
  probabilities: Float64Array,
  k: number,
  bins = 15,
): CalibrationBins {
  const state = emptyCalibrationBins(bins);
  addCalibrationRows(state, yTrue, probabilities, k, 0, yTrue.length);
  return state;
}

export function emptyCalibrationBins(bins = 15): CalibrationBins {
  return {
    count: new Array<number>(bins).fill(0),
    confidence: new Array<number>(bins).fill(0),
    correct: new Array<number>(bins).fill(0),
  };
}

/** Adds rows `from` to `to` into the bins; rows added in order in parts give exactly the bins of one pass. */
export function addCalibrationRows(
  bins: CalibrationBins,
  yTrue: ArrayLike<number>,
  probabilities: Float64Array,
  k: number,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) addCalibrationRow(bins, yTrue[i]!, probabilities, k, i);
}

/** Adds row `i` (true class `y`) into the bins, by the confidence of its most probable class (the first of equals). */
export function addCalibrationRow(
  bins: CalibrationBins,
  y: number,
  probabilities: Float64Array,
  k: number,
  i: number,
): void {
  let best = 0;
  for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
  addToCalibrationBin(bins, probabilities[i * k + best]!, best === y);
}

/** The calibration error of binned rows: Σ over bins of (rows / all rows) × |accuracy − mean confidence|. */
export function calibrationErrorOfBins({ count, confidence, correct }: CalibrationBins): number {
  const rows = count.reduce((a, b) => a + b, 0);
  let ece = 0;
  for (let b = 0; b < count.length; b++)
    if (count[b]! > 0) ece += (count[b]! / rows) * Math.abs(correct[b]! / count[b]! - confidence[b]! / count[b]!);
  return ece;
}

/** Bins of several parts of the rows, added. */
export function addCalibrationBins(parts: readonly CalibrationBins[]): CalibrationBins {
  const sum = (pick: (b: CalibrationBins) => number[]) =>
    pick(parts[0]!).map((_, i) => parts.reduce((s, part) => s + pick(part)[i]!, 0));
  return { count: sum((b) => b.count), confidence: sum((b) => b.confidence), correct: sum((b) => b.correct) };
}

/**
 * Expected calibration error: rows binned by their confidence (the largest probability) into `bins` equal-width
 * bins over (0, 1]; the weighted mean of |accuracy − mean confidence| over the bins (Guo et al. 2017). O(n·k).
 */
export function expectedCalibrationError(
  yTrue: ArrayLike<number>,
  probabilities: Float64Array,
  k: number,
  bins = 15,
): number {
  return calibrationErrorOfBins(calibrationBins(yTrue, probabilities, k, bins));
}
