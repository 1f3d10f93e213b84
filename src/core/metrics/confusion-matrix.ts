/**
 * The confusion matrix of k classes, row = true class, column = predicted class, as sklearn.metrics
 * confusion_matrix(labels=range(k)); optional per-row weights (the bootstrap's Poisson weights) make it a weighted
 * count. O(n).
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  k: number,
  weights?: ArrayLike<number>,
): Float64Array {
  const matrix = new Float64Array(k * k);
  for (let i = 0; i < yTrue.length; i++) matrix[yTrue[i]! * k + yPred[i]!]! += weights ? weights[i]! : 1;
  return matrix;
}
