import { sumByBucket } from '../../core/evaluate/bucket-sums.js';
import type { EngineOptions, EvaluationEngine, ScoredRows } from '../../core/evaluate/evaluation-engine.js';
import {
  accumulateAdditive,
  calibrationOf,
  disagreementsOf,
  withHistograms,
  type AdditiveEvaluation,
} from '../../core/evaluate/evaluation-state.js';
import { summedRowsFor, type SummedRows } from '../../core/evaluate/evaluation-stream.js';
import type { ModelScoring, ScoringResult } from '../onnx/batch-scorer.js';
import { shareRanking } from './background-ranking.js';
import { bootstrapJob, jobTotals } from './shared-bootstrap.js';

/**
 * The evaluation engine of a run that scored its rows with `scoring`: what was summed as the rows were scored
 * (EvaluationStream) is kept when it read the labels as the classes resolved at the end, and else summed again in one
 * pass; the rank metrics and the bootstrap's replicates are shared with another thread when one is to be had (the
 * scoring thread, idle by then: see shareRanking), which ranks the keys split as the rows were scored when the sums
 * are kept. Gives exactly what referenceEngine gives (test/unit/core/evaluate/engine-agreement.test.ts).
 */
export function threadedEngine(
  scoring: ModelScoring | undefined,
  scored: Pick<ScoringResult, 'summed' | 'rankKeys'>,
  logger: { debug(message: string): void },
): EvaluationEngine {
  /** What was summed as the rows were scored, when it holds for these rows (their classes, their buckets). */
  const streamed = ({ truth, predictions }: ScoredRows, bucketCount: number): SummedRows | undefined => {
    const first = predictions[0]!;
    const summed = first.task === 'classification' ? summedRowsFor(scored.summed, truth, first.k) : undefined;
    if (!summed || summed.sums.sums.length !== bucketCount * summed.sums.stride) return undefined;
    logger.debug('The additive metrics were summed as the rows were scored');
    return summed;
  };
  const additiveOf = ({ sums, calibration, disagreements, truth }: SummedRows): AdditiveEvaluation => ({
    rows: truth.length,
    sums,
    calibration,
    disagreements,
  });
  return {
    async evaluate(rows: ScoredRows, options: EngineOptions, meanwhile?: () => void) {
      const { truth, predictions, buckets } = rows;
      const summed = streamed(rows, options.bucketCount);
      const sums = summed?.sums ?? sumByBucket(truth, predictions, buckets, options.bucketCount);
      const bootstrap =
        options.replicates > 0 ? bootstrapJob(sums.sums, sums.stride, options.replicates, options.seed) : undefined;
      const ranking = shareRanking(truth, predictions, summed ? scored.rankKeys : undefined, scoring, bootstrap);
      if (ranking.onThread)
        logger.debug('ROC AUC and PR AUC are ranked on another thread, which also shares the bootstrap');
      // The caller's work runs while the other thread (when there is one) ranks and claims replicates; this thread
      // then claims what is left, so that both end together rather than the caller's work running after its part.
      meanwhile?.();
      ranking.takePart();
      const ranks = await ranking.ranks();
      // Without the streamed sums, the bins and counts are taken here, once the other thread is done.
      const state = summed
        ? additiveOf(summed)
        : {
            rows: truth.length,
            sums,
            calibration: calibrationOf(truth, predictions),
            disagreements: disagreementsOf(truth, predictions),
          };
      return { state, ranks, replicateTotals: bootstrap && jobTotals(bootstrap) };
    },
    accumulate(rows: ScoredRows, bucketCount: number) {
      const summed = streamed(rows, bucketCount);
      const { truth, predictions, buckets } = rows;
      const additive = summed ? additiveOf(summed) : accumulateAdditive(truth, predictions, buckets, bucketCount);
      return withHistograms(additive, truth, predictions);
    },
  };
}
