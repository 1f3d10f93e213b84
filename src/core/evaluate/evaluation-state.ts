import {
  addCalibrationBins,
  calibrationBins,
  calibrationErrorOfBins,
  type CalibrationBins,
} from '../metrics/probability-metrics.js';
import {
  histogramAveragePrecision,
  histogramRocAuc,
  macroAverage,
  mergeHistograms,
  scoreHistogram,
  type BoundedValue,
  type ScoreHistogram,
} from '../metrics/score-histogram.js';
import { ConfigurationError } from '../errors.js';
import { sumByBucket, type BucketSums } from './bucket-sums.js';
import type { Predictions } from './model-output.js';
import { REGRESSION_SHARED } from './sums-layout.js';

/**
 * The additive part of an evaluation, which every engine computes (see EvaluationEngine) and shards add up: the
 * bootstrap's sums per bucket (confusion matrices, log loss, Brier; the regression sums), per model the calibration
 * bins, and the rows the two models disagree on.
 */
export interface AdditiveEvaluation {
  rows: number;
  sums: BucketSums;
  /** Per model; null without probabilities. */
  calibration: (CalibrationBins | null)[];
  /** Rows only the baseline classified right, and rows only the candidate did (classification with a baseline). */
  disagreements: { baseline_only: number; candidate_only: number } | null;
}

/**
 * Everything an evaluation needs from the rows, in a form that adds up across shards: the additive part, and per
 * model the score histograms of every class (ROC AUC and average precision, which one run ranks exactly instead).
 * A shard writes its state into its partial report; the merge adds the states and finishes them like one run.
 */
export interface EvaluationState extends AdditiveEvaluation {
  /**
   * Per model: one histogram per class scored against the rest (only class 1 for two classes); null without
   * probabilities.
   */
  ranking: (ScoreHistogram[] | null)[];
}

/** The state of these rows: what a shard computes. */
export function accumulateEvaluation(
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
  buckets: Uint32Array,
  bucketCount: number,
): EvaluationState {
  return withHistograms(accumulateAdditive(truth, models, buckets, bucketCount), truth, models);
}

/** The state of rows of which the additive part is known: their score histograms added (see scoreHistogram). */
export function withHistograms(
  additive: AdditiveEvaluation,
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
): EvaluationState {
  const ranking = models.map((model) => {
    if (model.task !== 'classification' || !model.probabilities) return null;
    const classes = model.k === 2 ? [1] : Array.from({ length: model.k }, (_, c) => c);
    return classes.map((c) => scoreHistogram(truth, c, model.probabilities!, model.k, c));
  });
  const { rows, sums, calibration, disagreements } = additive;
  return { rows, sums, ranking, calibration, disagreements };
}

/** The additive part of these rows' evaluation, in one plain pass per sum: the reference for every engine. */
export function accumulateAdditive(
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
  buckets: Uint32Array,
  bucketCount: number,
): AdditiveEvaluation {
  const sums = sumByBucket(truth, models, buckets, bucketCount);
  return {
    rows: truth.length,
    sums,
    calibration: calibrationOf(truth, models),
    disagreements: disagreementsOf(truth, models),
  };
}

/** Each model's calibration bins (see calibrationBins); null for a model without probabilities. */
export function calibrationOf(
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
): AdditiveEvaluation['calibration'] {
  return models.map((model) =>
    model.task === 'classification' && model.probabilities
      ? calibrationBins(truth, model.probabilities, model.k)
      : null,
  );
}

/** McNemar's counts: the rows that exactly one of the two classifiers gets right. */
export function disagreementsOf(
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
): EvaluationState['disagreements'] {
  const [candidate, baseline] = models;
  if (!candidate || !baseline || candidate.task !== 'classification' || baseline.task !== 'classification') return null;
  const counts = { baseline_only: 0, candidate_only: 0 };
  addDisagreements(counts, truth, candidate.predicted, baseline.predicted, 0, truth.length);
  return counts;
}

/** Adds the disagreements of rows `from` to `to` into `counts`. */
export function addDisagreements(
  counts: { baseline_only: number; candidate_only: number },
  truth: ArrayLike<number>,
  candidate: Int32Array,
  baseline: Int32Array,
  from: number,
  to: number,
): void {
  let baselineOnly = 0;
  let candidateOnly = 0;
  for (let r = from; r < to; r++) {
    const c = candidate[r] === truth[r];
    const b = baseline[r] === truth[r];
    if (b && !c) baselineOnly++;
    if (c && !b) candidateOnly++;
  }
  counts.baseline_only += baselineOnly;
  counts.candidate_only += candidateOnly;
}

/** The state of the union of the shards' rows. Throws when the shards scored differently shaped outputs. */
export function mergeEvaluationStates(states: readonly EvaluationState[]): EvaluationState {
  const nonEmpty = states.filter((s) => s.rows > 0);
  const first = nonEmpty[0] ?? states[0]!;
  for (const state of nonEmpty) {
    const a = state.sums;
    const b = first.sums;
    if (
      a.task !== b.task ||
      a.k !== b.k ||
      a.models !== b.models ||
      a.stride !== b.stride ||
      a.probabilities !== b.probabilities ||
      a.sums.length !== b.sums.length
    ) {
      throw new ConfigurationError(
        `the shards scored different outputs (${b.task}, ${b.k} classes, ${b.models} models against ${a.task}, ${a.k} classes, ${a.models} models); run every shard with the same models and options`,
      );
    }
  }
  const sums = new Float64Array(first.sums.sums.length);
  const shift = first.sums.shift;
  for (const state of nonEmpty) addSums(sums, state.sums, shift);
  const ranking = first.ranking.map((perClass, m) =>
    perClass ? perClass.map((_, c) => mergeHistograms(nonEmpty.map((s) => s.ranking[m]![c]!))) : null,
  );
  const calibration = first.calibration.map((bins, m) =>
    bins ? addCalibrationBins(nonEmpty.map((s) => s.calibration[m]!)) : null,
  );
  const disagreements = first.disagreements
    ? nonEmpty.reduce(
        (total, s) => ({
          baseline_only: total.baseline_only + s.disagreements!.baseline_only,
          candidate_only: total.candidate_only + s.disagreements!.candidate_only,
        }),
        { baseline_only: 0, candidate_only: 0 },
      )
    : null;
  return {
    rows: states.reduce((n, s) => n + s.rows, 0),
    sums: { ...first.sums, sums },
    ranking,
    calibration,
    disagreements,
  };
}

/**
 * Adds a shard's bucket sums into `into`. Regression sums of the label are centred on a shift (the shard's first
 * label, for precision); a shard centred elsewhere is re-centred first: Σ(y − t) = Σ(y − s) + n(s − t) and
 * Σ(y − t)² = Σ(y − s)² + 2(s − t)Σ(y − s) + n(s − t)².
 */
function addSums(into: Float64Array, part: BucketSums, shift: number): void {
  const { sums, stride } = part;
  const delta = part.shift - shift;
  for (let i = 0; i < sums.length; i++) into[i]! += sums[i]!;
  if (part.task !== 'regression' || delta === 0) return;
  const { rows, labelSum, labelSquares } = REGRESSION_SHARED;
  for (let base = 0; base < sums.length; base += stride) {
    const n = sums[base + rows]!;
    const centred = sums[base + labelSum]!;
    into[base + labelSum]! += n * delta;
    into[base + labelSquares]! += 2 * delta * centred + n * delta * delta;
  }
}

/** ROC AUC, average precision and calibration error of model `m`, from its histograms and bins. */
export function rankingFromState(state: EvaluationState, m: number): Record<string, BoundedValue> {
  const histograms = state.ranking[m];
  const bins = state.calibration[m];
  if (!histograms || !bins) return {};
  return {
    // Strict, as averageRankings: a class absent from the rows leaves ROC AUC undefined.
    roc_auc: macroAverage(histograms.map(histogramRocAuc), true),
    pr_auc: macroAverage(histograms.map(histogramAveragePrecision)),
    ece: { value: calibrationErrorOfBins(bins), bound: 0 },
  };
}
