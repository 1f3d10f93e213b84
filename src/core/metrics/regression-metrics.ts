export interface RegressionScores {
  mae: number;
  rmse: number;
  r2: number;
  mape: number;
}

/**
 * MAE, RMSE, R² and MAPE as sklearn computes them: r2_score gives 1 for a perfect fit of a constant target and 0
 * otherwise (force_finite); mean_absolute_percentage_error divides by max(|y|, eps) with eps = 2^-52. O(n).
 */
export function regressionScores(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionScores {
  const n = yTrue.length;
  let absolute = 0;
  let squared = 0;
  let percentage = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = yTrue[i]! - yPred[i]!;
    absolute += Math.abs(error);
    squared += error * error;
    percentage += Math.abs(error) / Math.max(Math.abs(yTrue[i]!), Number.EPSILON);
    total += (yTrue[i]! - mean) ** 2;
  }
  const r2 = total > 0 ? 1 - squared / total : squared === 0 ? 1 : 0;
  return { mae: absolute / n, rmse: Math.sqrt(squared / n), r2, mape: percentage / n };
}
