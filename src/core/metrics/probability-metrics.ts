/** float64 machine epsilon: sklearn 1.2's log_loss clips probabilities to [eps, 1 − eps]. */
const EPS = Number.EPSILON;

/**
 * One row's log loss, as sklearn 1.2's log_loss computes it with its default eps: the row's probabilities clipped
 * to [eps, 1 − eps] and renormalised, then −log p[true class]. Probabilities are stored row by row, k per row.
 */
export function rowLogLoss(probabilities: Float64Array, k: number, row: number, trueClass: number): number {
  let total = 0;
  for (let c = 0; c < k; c++) total += Math.min(Math.max(probabilities[row * k + c]!, EPS), 1 - EPS);
  return -Math.log(Math.min(Math.max(probabilities[row * k + trueClass]!, EPS), 1 - EPS) / total);
}

/**
 * One row's Brier term: Σ_k (p_k − [y = k])², and for two classes sklearn's brier_score_loss term, the positive
 * column's (p_1 − y)² alone. Half the two-column sum is the same only when the row sums to 1 exactly, which a
 * float32 softmax does only within rounding (1e-9 off on real models).
 */
export function rowBrier(probabilities: Float64Array, k: number, row: number, trueClass: number): number {
  if (k === 2) {
    const error = probabilities[row * 2 + 1]! - (trueClass === 1 ? 1 : 0);
    return error * error;
  }
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const error = probabilities[row * k + c]! - (trueClass === c ? 1 : 0);
    sum += error * error;
  }
  return sum;
}

/** Log loss (cross-entropy), the mean of rowLogLoss, as sklearn.metrics.log_loss. O(n·k). */
export function logLoss(yTrue: ArrayLike<number>, probabilities: Float64Array, k: number): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += rowLogLoss(probabilities, k, i, yTrue[i]!);
  return sum / yTrue.length;
}

/** The Brier score, the mean of rowBrier: sklearn's brier_score_loss for two classes, the multi-class sum beyond. */
export function brierScore(yTrue: ArrayLike<number>, probabilities: Float64Array, k: number): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += rowBrier(probabilities, k, i, yTrue[i]!);
  return sum / yTrue.length;
}

/** The additive state of the calibration error: per confidence bin, the rows, their summed confidence and the correct ones. */
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

/** Adds row `i` (true class `y`) into the bins. */
export function addCalibrationRow(
  { count, confidence, correct }: CalibrationBins,
  y: number,
  probabilities: Float64Array,
  k: number,
  i: number,
): void {
  let best = 0;
  for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
  const p = probabilities[i * k + best]!;
  const bin = Math.min(count.length - 1, Math.max(0, Math.ceil(p * count.length) - 1));
  count[bin]!++;
  confidence[bin]! += p;
  if (best === y) correct[bin]!++;
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
