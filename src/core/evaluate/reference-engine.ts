import { accumulateAdditive, accumulateEvaluation } from './evaluation-state.js';
import type { EngineOptions, EngineResult, EvaluationEngine, ScoredRows } from './evaluation-engine.js';
import { rankMetrics } from './model-ranking.js';
import { allReplicateTotals } from './poisson-bootstrap.js';

/**
 * The reference evaluation: one pass over the rows per sum (accumulateAdditive), every model ranked from its
 * probabilities, every bootstrap replicate computed in turn; all on this thread. O(rows · k + rows log rows +
 * buckets · replicates).
 */
export function evaluateReference(rows: ScoredRows, options: EngineOptions): EngineResult {
  const { truth, predictions, buckets } = rows;
  const state = accumulateAdditive(truth, predictions, buckets, options.bucketCount);
  const { sums, stride } = state.sums;
  return {
    state,
    ranks: predictions.map((model) => rankMetrics(truth, model)),
    replicateTotals:
      options.replicates > 0 ? allReplicateTotals(sums, stride, options.replicates, options.seed) : undefined,
  };
}

/** evaluateReference as an EvaluationEngine: the plain twin that the threaded engine is held to. */
export const referenceEngine: EvaluationEngine = {
  async evaluate(rows, options, meanwhile) {
    meanwhile?.();
    return evaluateReference(rows, options);
  },
  accumulate: ({ truth, predictions, buckets }, bucketCount) =>
    accumulateEvaluation(truth, predictions, buckets, bucketCount),
};
