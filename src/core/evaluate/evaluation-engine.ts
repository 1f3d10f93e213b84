import type { AdditiveEvaluation, EvaluationState } from './evaluation-state.js';
import type { Predictions } from './model-output.js';

/**
 * The rows an engine evaluates: the labels as the task reads them, each model's predictions, each row's bootstrap
 * bucket.
 */
export interface ScoredRows {
  truth: Int32Array | Float64Array;
  /** The candidate's, then the baseline's when there is one. */
  predictions: readonly Predictions[];
  buckets: Uint32Array;
}

/** How an engine evaluates: the bootstrap's buckets, replicates (0: none) and seed. */
export interface EngineOptions {
  bucketCount: number;
  replicates: number;
  seed: number;
}

/**
 * What an engine gives: the additive state that the shards also write and merge (bucket sums, calibration bins,
 * McNemar's counts), each model's exact rank metrics (ROC AUC, PR AUC; none without probabilities), and the
 * bootstrap's replicate totals (`stride` numbers per replicate; undefined without replicates). compareEvaluation
 * turns it into the metrics, intervals and tests of the report.
 */
export interface EngineResult {
  state: AdditiveEvaluation;
  ranks: Record<string, number>[];
  replicateTotals: Float64Array | undefined;
}

/**
 * One way of evaluating scored rows. The reference engine (referenceEngine) does it in plain passes on this thread;
 * a faster one (threadedEngine) reuses what was summed as the rows were scored and shares the ranking and the
 * bootstrap with another thread. Both give the same result, to the bit: a test holds them to it.
 */
export interface EvaluationEngine {
  /**
   * Evaluates the rows. `meanwhile` is work of the caller's that runs on this thread while another thread, if the
   * engine has one, does its part, so that the two end together.
   */
  evaluate(rows: ScoredRows, options: EngineOptions, meanwhile?: () => void): Promise<EngineResult>;
  /**
   * The state of a shard's rows, for its partial report: the additive part and each model's score histograms, which
   * the merge adds to those of the other shards and finishes as one run (no ranking nor bootstrap here).
   */
  accumulate(rows: ScoredRows, bucketCount: number): EvaluationState;
}
