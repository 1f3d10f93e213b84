/**
 * ROC AUC of a binary problem by the Mann-Whitney statistic (ties count one half), which equals sklearn's
 * roc_auc_score (trapezoidal area under the ROC curve). NaN when one class is absent. O(n log n).
 */
export function binaryRocAuc(positive: ArrayLike<boolean>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (positive[order[t]!]) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision, as sklearn's average_precision_score: Σ (R_n − R_(n−1)) · P_n over the distinct score
 * thresholds, from the highest down. NaN without positives. O(n log n).
 */
export function averagePrecision(positive: ArrayLike<boolean>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let totalPositives = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) totalPositives++;
  if (totalPositives === 0) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    // All rows sharing a score cross the threshold together.
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (positive[order[j]!]) tp++;
      else fp++;
      j++;
    }
    const recall = tp / totalPositives;
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
    i = j;
  }
  return ap;
}

/** One-vs-rest macro average of a binary metric over the classes present, from class-probability rows. */
export function oneVsRestMacro(metric: (positive: boolean[], scores: number[]) => number, yTrue: ArrayLike<number>, probabilities: readonly ArrayLike<number>[], k: number): number {
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < k; c++) {
    const positive = Array.from(yTrue, (y) => y === c);
    const value = metric(positive, Array.from(probabilities, (row) => row[c]!));
    if (Number.isNaN(value)) continue;
    sum += value;
    classes++;
  }
  return classes > 0 ? sum / classes : Number.NaN;
}
