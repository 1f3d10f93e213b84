/**
 * Log loss (cross-entropy) as sklearn 1.2's log_loss with its default eps: each row's probabilities are clipped to
 * [eps, 1 − eps] with eps = 2^-52 (float64 machine epsilon) and renormalised, then −mean(log p[true class]). O(n·k).
 */
export function logLoss(yTrue: ArrayLike<number>, probabilities: readonly ArrayLike<number>[]): number {
  const eps = Number.EPSILON;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const row = probabilities[i]!;
    let total = 0;
    for (let c = 0; c < row.length; c++) total += Math.min(Math.max(row[c]!, eps), 1 - eps);
    sum -= Math.log(Math.min(Math.max(row[yTrue[i]!]!, eps), 1 - eps) / total);
  }
  return sum / yTrue.length;
}

/**
 * The Brier score: the mean over rows of Σ_k (p_k − [y = k])². For two classes mlgate reports sklearn's
 * brier_score_loss (the positive class's squared error), which is half of this sum.
 */
export function brierScore(yTrue: ArrayLike<number>, probabilities: readonly ArrayLike<number>[]): number {
  const k = probabilities[0]?.length ?? 0;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const row = probabilities[i]!;
    for (let c = 0; c < k; c++) sum += (row[c]! - (yTrue[i] === c ? 1 : 0)) ** 2;
  }
  const brier = sum / yTrue.length;
  return k === 2 ? brier / 2 : brier;
}

/**
 * Expected calibration error: rows binned by their confidence (the largest probability) into `bins` equal-width
 * bins over (0, 1]; the weighted mean of |accuracy − mean confidence| over the bins (Guo et al. 2017). O(n·k).
 */
export function expectedCalibrationError(yTrue: ArrayLike<number>, probabilities: readonly ArrayLike<number>[], bins = 15): number {
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const correct = new Float64Array(bins);
  for (let i = 0; i < yTrue.length; i++) {
    const row = probabilities[i]!;
    let best = 0;
    for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
    const p = row[best]!;
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    count[bin]!++;
    confidence[bin]! += p;
    if (best === yTrue[i]) correct[bin]!++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += (count[b]! / yTrue.length) * Math.abs(correct[b]! / count[b]! - confidence[b]! / count[b]!);
  return ece;
}
