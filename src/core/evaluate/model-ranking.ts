import { classifierRanking, rankMetricValues } from '../metrics/ranking-metrics.js';
import type { Predictions } from './model-output.js';

/** The rank metrics of a classifier with probabilities, ROC AUC and PR AUC: the costly part, worth another thread. */
export function rankMetrics(truth: Int32Array | Float64Array, model: Predictions): Record<string, number> {
  if (model.task !== 'classification' || !model.probabilities) return {};
  return rankMetricsOf(truth, model.probabilities, model.k);
}

/** rankMetrics from the class probabilities stored row by row. */
export function rankMetricsOf(truth: ArrayLike<number>, p: Float64Array, k: number): Record<string, number> {
  return rankMetricValues(classifierRanking(truth, p, k));
}
