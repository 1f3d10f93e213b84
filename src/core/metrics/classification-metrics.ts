/** Precision, recall and F1 of one averaging, as sklearn's precision_recall_fscore_support(average=...). */
export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationScores {
  accuracy: number;
  micro: AveragedScores;
  macro: AveragedScores;
  weighted: AveragedScores;
}

/**
 * Accuracy and precision, recall and F1 (micro, macro and weighted by support) from a k×k confusion matrix, with
 * sklearn's zero_division=0: a class never predicted has precision 0, a class never present recall 0, and such a
 * class still counts in the macro average. O(k²).
 */
export function classificationScores(matrix: Float64Array, k: number): ClassificationScores {
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const actual = new Float64Array(k);
  let total = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const n = matrix[t * k + p]!;
      predicted[p]! += n;
      actual[t]! += n;
      total += n;
      if (t === p) tp[t] = n;
    }
  }
  const correct = tp.reduce((a, b) => a + b, 0);
  const perClass = perClassFromCounts(tp, predicted, actual);
  // sklearn's macro and weighted averages run over the labels present in either the truth or the predictions.
  const present = perClass.filter((_, c) => actual[c]! > 0 || predicted[c]! > 0);
  const mean = (key: 'precision' | 'recall' | 'f1') =>
    present.reduce((s, c) => s + c[key], 0) / Math.max(present.length, 1);
  const weightedMean = (key: 'precision' | 'recall' | 'f1') =>
    total > 0 ? present.reduce((s, c) => s + c[key] * c.support, 0) / total : 0;
  const accuracy = total > 0 ? correct / total : 0;
  return {
    accuracy,
    // Single-label micro averages all equal accuracy.
    micro: { precision: accuracy, recall: accuracy, f1: accuracy },
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
    weighted: { precision: weightedMean('precision'), recall: weightedMean('recall'), f1: weightedMean('f1') },
  };
}

/** One class's precision, recall and F1 against the rest, and its support (rows of that class). */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * Precision, recall and F1 of each class from a k×k confusion matrix (row = true class), as sklearn's
 * precision_recall_fscore_support(labels=range(k), average=None, zero_division=0). O(k²).
 */
export function perClassScores(matrix: ArrayLike<number>, k: number): ClassScores[] {
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const actual = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const n = matrix[t * k + p]!;
      predicted[p]! += n;
      actual[t]! += n;
      if (t === p) tp[t] = n;
    }
  }
  return perClassFromCounts(tp, predicted, actual);
}

function perClassFromCounts(tp: Float64Array, predicted: Float64Array, actual: Float64Array): ClassScores[] {
  return Array.from(tp, (hits, c) => {
    const precision = predicted[c]! > 0 ? hits / predicted[c]! : 0;
    const recall = actual[c]! > 0 ? hits / actual[c]! : 0;
    return {
      precision,
      recall,
      f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
      support: actual[c]!,
    };
  });
}

/** The scores under the metric names reports use: accuracy, then precision, recall and F1, macro and weighted. */
export function classificationMetricValues(scores: ClassificationScores): Record<string, number> {
  return {
    accuracy: scores.accuracy,
    precision_macro: scores.macro.precision,
    recall_macro: scores.macro.recall,
    f1_macro: scores.macro.f1,
    precision_weighted: scores.weighted.precision,
    recall_weighted: scores.weighted.recall,
    f1_weighted: scores.weighted.f1,
  };
}
