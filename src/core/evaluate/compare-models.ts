import type { Estimate, Metrics, MetricComparison } from '../documents.js';
import {
  classificationMetricValues,
  classificationScores,
  perClassScores,
  type ClassScores,
} from '../metrics/classification-metrics.js';
import { confusionMatrix } from '../metrics/confusion-matrix.js';
import {
  calibrationErrorOfBins,
  expectedCalibrationError,
  probabilityMetrics,
} from '../metrics/probability-metrics.js';
import { regressionScores } from '../metrics/regression-metrics.js';
import { mcnemarTest, type McNemarResult } from '../stats/mcnemar.js';
import type { BoundedValue } from '../metrics/score-histogram.js';
import { confusionFromTotals, metricsFromTotals, type BucketSums } from './bucket-sums.js';
import type { EngineResult, ScoredRows } from './evaluation-engine.js';
import { rankingFromState, type EvaluationState } from './evaluation-state.js';
import { rankMetrics } from './model-ranking.js';
import type { Predictions } from './model-output.js';
import { evaluateReference } from './reference-engine.js';
import { allReplicateTotals, percentileInterval } from './poisson-bootstrap.js';

/** Whether a larger value of a metric is better; the gate's change rules read this. */
export const HIGHER_IS_BETTER: Record<string, boolean> = {
  accuracy: true,
  precision_macro: true,
  recall_macro: true,
  f1_macro: true,
  precision_weighted: true,
  recall_weighted: true,
  f1_weighted: true,
  roc_auc: true,
  pr_auc: true,
  log_loss: false,
  brier: false,
  ece: false,
  mae: false,
  rmse: false,
  r2: true,
  mape: false,
  latency_p50_ms: false,
  latency_p95_ms: false,
  latency_per_row_us: false,
  model_bytes: false,
};

export interface CompareOptions {
  /** Bootstrap replicates; 0 turns the intervals off. */
  replicates: number;
  seed: number;
  /** The number of bootstrap buckets that `buckets` indexes into. */
  bucketCount: number;
  confidence?: number;
}

export interface ModelComparison {
  candidate: Metrics;
  baseline: Metrics | null;
  comparisons: MetricComparison[];
  /** McNemar's test on the rows the two models disagree on (classification with a baseline). */
  mcnemar: McNemarResult | null;
  /**
   * Per model (candidate, then baseline), its confusion matrix (row = true class) and per-class scores; empty for
   * regression.
   */
  classes: ClassBreakdown[];
}

/** What a reviewer needs to see which class changed: counts that add up across shards, and the scores they give. */
export interface ClassBreakdown {
  /** k×k counts, row = true class, column = predicted class. */
  confusion: number[][];
  perClass: ClassScores[];
}

/**
 * Scores the candidate (and the baseline, on the same rows) and compares them, with the reference engine. Point
 * values are exact (they match scikit-learn); the additive metrics also get a paired Poisson-bootstrap interval, for
 * each model and for the difference candidate − baseline, which is significant when its interval excludes 0. Rank
 * metrics (ROC AUC, PR AUC) and calibration error are reported without an interval.
 */
export function compareModels(
  truth: Int32Array | Float64Array,
  candidate: Predictions,
  baseline: Predictions | undefined,
  buckets: Uint32Array,
  options: CompareOptions,
): ModelComparison {
  const rows = { truth, predictions: baseline ? [candidate, baseline] : [candidate], buckets };
  return compareEvaluation(rows, evaluateReference(rows, options), options);
}

/**
 * The comparison of one run from what an engine gave (see EvaluationEngine): the additive point values are the
 * totals of the bucket sums over every bucket (every weight 1), which the bootstrap's replicates reweight; regression
 * scores are taken from the rows exactly; the calibration error from the bins; McNemar's test from the counts.
 */
export function compareEvaluation(rows: ScoredRows, result: EngineResult, options: CompareOptions): ModelComparison {
  const { truth, predictions } = rows;
  const { sums: state, calibration, disagreements } = result.state;
  const totals = bucketTotals(state);
  const points = predictions.map((model, m) => {
    if (model.task === 'regression') return exactly({ ...regressionScores(truth, model.values) });
    const bins = calibration[m];
    const additive = { ...metricsFromTotals(state, totals, m), ...(bins ? { ece: calibrationErrorOfBins(bins) } : {}) };
    return orderMetrics(exactly({ ...additive, ...result.ranks[m] }));
  });
  const intervals =
    options.replicates > 0 ? bootstrapIntervals(state, predictions.length, options, result.replicateTotals) : undefined;
  return finishComparison(state, points, disagreements, intervals);
}

/**
 * The comparison of the merged state of every shard: the same as one run over all the rows for the additive
 * metrics and their intervals; ROC AUC and average precision come from score histograms, each with the bound on
 * its distance from the exact value.
 */
export function compareFromState(state: EvaluationState, options: CompareOptions): ModelComparison {
  const totals = bucketTotals(state.sums);
  const points = Array.from({ length: state.sums.models }, (_, m) => {
    const additive = exactly(metricsFromTotals(state.sums, totals, m));
    return state.sums.task === 'regression' ? additive : orderMetrics({ ...additive, ...rankingFromState(state, m) });
  });
  return finishComparison(
    state.sums,
    points,
    state.disagreements,
    options.replicates > 0 ? bootstrapIntervals(state.sums, points.length, options) : undefined,
  );
}

function bucketTotals(state: BucketSums): Float64Array {
  const totals = new Float64Array(state.stride);
  for (let i = 0; i < state.sums.length; i++) totals[i % state.stride]! += state.sums[i]!;
  return totals;
}

function exactly(values: Record<string, number>): Record<string, BoundedValue> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, bound: 0 }]));
}

/** Point values, bootstrap intervals, the candidate's differences from the baseline, and McNemar's test. */
function finishComparison(
  state: BucketSums,
  points: Record<string, BoundedValue>[],
  disagreements: { baseline_only: number; candidate_only: number } | null,
  intervals: Intervals | undefined,
): ModelComparison {
  const asMetrics = (m: number): Metrics =>
    Object.fromEntries(
      Object.entries(points[m]!).map(([name, { value, bound }]) => {
        const interval = intervals?.perModel[m]?.[name];
        const estimate: Estimate = interval
          ? { value: finite(value), ci_low: interval[0], ci_high: interval[1] }
          : { value: finite(value) };
        if (bound > 0) estimate.bound = bound;
        return [name, estimate];
      }),
    );
  const candidateMetrics = asMetrics(0);
  const baselineMetrics = points.length > 1 ? asMetrics(1) : null;
  const comparisons: MetricComparison[] = Object.keys(candidateMetrics).map((metric) => {
    const c = candidateMetrics[metric]!.value;
    const b = baselineMetrics?.[metric]?.value ?? null;
    const difference = c !== null && b !== null ? c - b : null;
    const interval = intervals?.difference[metric];
    const comparison: MetricComparison = {
      metric,
      slice: null,
      higher_is_better: HIGHER_IS_BETTER[metric] ?? true,
      baseline: b,
      candidate: c,
      difference,
    };
    if (interval && difference !== null)
      Object.assign(comparison, {
        ci_low: interval[0],
        ci_high: interval[1],
        significant: interval[0] > 0 || interval[1] < 0,
      });
    return comparison;
  });
  const mcnemar = disagreements ? mcnemarTest(disagreements.baseline_only, disagreements.candidate_only) : null;
  return {
    candidate: candidateMetrics,
    baseline: baselineMetrics,
    comparisons,
    mcnemar,
    classes: classBreakdowns(state),
  };
}

/** Each classifier's confusion matrix and per-class scores, from the bucket sums over every bucket (every weight 1). */
function classBreakdowns(state: BucketSums): ClassBreakdown[] {
  if (state.task !== 'classification') return [];
  const totals = bucketTotals(state);
  return Array.from({ length: state.models }, (_, m) => {
    const matrix = confusionFromTotals(state, totals, m);
    return {
      confusion: Array.from({ length: state.k }, (_, t) => Array.from(matrix.subarray(t * state.k, (t + 1) * state.k))),
      perClass: perClassScores(matrix, state.k),
    };
  });
}

const CLASSIFICATION_ORDER = [
  'accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'precision_weighted',
  'recall_weighted',
  'f1_weighted',
  'roc_auc',
  'pr_auc',
  'log_loss',
  'brier',
  'ece',
];

/** The metrics in the order reports list them. */
function orderMetrics<T>(metrics: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    CLASSIFICATION_ORDER.filter((name) => name in metrics).map((name) => [name, metrics[name]!]),
  );
}

/** The metrics of one model on every row, computed exactly (for slices). */
export function exactMetrics(truth: Int32Array | Float64Array, model: Predictions): Record<string, number> {
  if (model.task === 'regression') return { ...regressionScores(truth, model.values) };
  const { k } = model;
  const metrics = classificationMetricValues(classificationScores(confusionMatrix(truth, model.predicted, k), k));
  const p = model.probabilities;
  if (p)
    Object.assign(
      metrics,
      { ...probabilityMetrics(truth, p, k), ece: expectedCalibrationError(truth, p, k) },
      rankMetrics(truth, model),
    );
  return orderMetrics(metrics);
}

interface Intervals {
  perModel: Record<string, [number, number]>[];
  difference: Record<string, [number, number]>;
}

/**
 * Percentile intervals of every additive metric per model and of the paired difference, over the replicates: from
 * their totals when given (computed elsewhere: see replicateTotals), else computed here.
 */
function bootstrapIntervals(
  state: BucketSums,
  models: number,
  options: CompareOptions,
  replicateTotals?: Float64Array,
): Intervals {
  const names = Object.keys(metricsFromTotals(state, state.sums.subarray(0, state.stride), 0));
  const values = Array.from({ length: models }, () =>
    Object.fromEntries(names.map((n) => [n, new Float64Array(options.replicates)])),
  );
  const differences = Object.fromEntries(names.map((n) => [n, new Float64Array(options.replicates)]));
  const all = replicateTotals ?? allReplicateTotals(state.sums, state.stride, options.replicates, options.seed);
  for (let b = 0; b < options.replicates; b++) {
    const totals = all.subarray(b * state.stride, (b + 1) * state.stride);
    const perModel = Array.from({ length: models }, (_, m) => metricsFromTotals(state, totals, m));
    for (const name of names) {
      perModel.forEach((metrics, m) => (values[m]![name]![b] = metrics[name]!));
      if (models > 1) differences[name]![b] = perModel[0]![name]! - perModel[1]![name]!;
    }
  }
  const interval = (series: Float64Array) => percentileInterval(series, options.confidence ?? 0.95);
  const pick = (series: Record<string, Float64Array>) =>
    Object.fromEntries(names.map((n) => [n, interval(series[n]!)]).filter(([, i]) => i !== undefined)) as Record<
      string,
      [number, number]
    >;
  return { perModel: values.map(pick), difference: models > 1 ? pick(differences) : {} };
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
