import type { MetricComparison, Metrics, PartialModel } from '../documents.js';
import { latencyChangeInterval, quantileOfSorted } from './latency-interval.js';

/** The q-quantile of sorted timings as the report takes it; null for none. */
export function latencyQuantile(sorted: Float64Array, q: number): number | null {
  return sorted.length > 0 ? quantileOfSorted(sorted, q) : null;
}

/** Inference latency per batch and per row, and the model's size: metrics a gate can hold down. */
export function addCostMetrics(metrics: Metrics, model: PartialModel): void {
  const sorted = Float64Array.from(model.batch_ms).sort();
  const quantile = (q: number) => latencyQuantile(sorted, q);
  const totalRows = model.batch_rows.reduce((a, b) => a + b, 0);
  metrics.latency_p50_ms = { value: quantile(0.5) };
  metrics.latency_p95_ms = { value: quantile(0.95) };
  metrics.latency_per_row_us = {
    value: totalRows > 0 ? (model.batch_ms.reduce((a, b) => a + b, 0) * 1000) / totalRows : null,
  };
  metrics.model_bytes = { value: model.bytes };
}

/**
 * The cost metrics compared: latency quantiles with the interval of their change when both models were timed in the
 * same rounds.
 */
export function costComparisons(
  candidate: Metrics,
  baseline: Metrics | null,
  times: readonly (PartialModel | null | undefined)[],
): MetricComparison[] {
  const quantiles: Record<string, number> = { latency_p50_ms: 0.5, latency_p95_ms: 0.95 };
  return ['latency_p50_ms', 'latency_p95_ms', 'latency_per_row_us', 'model_bytes'].map((metric) => {
    const c = candidate[metric]?.value ?? null;
    const b = baseline?.[metric]?.value ?? null;
    const comparison: MetricComparison = {
      metric,
      slice: null,
      higher_is_better: false,
      baseline: b,
      candidate: c,
      difference: c !== null && b !== null ? c - b : null,
    };
    const q = quantiles[metric];
    const [ct, bt] = times;
    const interval =
      q !== undefined && c !== null && b !== null && ct && bt
        ? latencyChangeInterval(ct.batch_ms, bt.batch_ms, q)
        : null;
    return interval
      ? {
          ...comparison,
          ci_low: interval.low,
          ci_high: interval.high,
          significant: interval.low > 0 || interval.high < 0,
        }
      : comparison;
  });
}
