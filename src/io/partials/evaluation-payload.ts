import type { PartialEvaluation, PartialEvaluationState } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import type { EvaluationState } from '../../core/evaluate/evaluation-state.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import type { SliceValueState } from '../../core/evaluate/slices.js';
import { decodeFloat64, encodeArray } from '../partial-documents.js';

/** What a shard of evaluate scored, as it holds it in memory: a partial evaluation with its states decoded. */
export type EvaluationShardState = Omit<PartialEvaluation, 'state' | 'slices'> & {
  state: EvaluationState;
  slices: { column: string; values: SliceValueState[] }[];
};

/** An evaluation state as a partial report holds it: the bucket sums as float64 in base64 (exact, and compact). */
export function encodeEvaluationState(state: EvaluationState): PartialEvaluationState {
  const { sums, ...sumsLayout } = state.sums;
  return {
    rows: state.rows,
    sums: { ...sumsLayout, values: encodeArray(sums) },
    ranking: state.ranking,
    calibration: state.calibration,
    disagreements: state.disagreements,
  };
}

/**
 * The evaluation state of a partial report, its sums checked to hold `buckets` rows of the layout's stride
 * (the main state has BOOTSTRAP_BUCKETS, a slice value's one). `source` names the file in messages.
 */
export function decodeEvaluationState(
  state: PartialEvaluationState,
  source: string,
  buckets = BOOTSTRAP_BUCKETS,
): EvaluationState {
  const { values, ...layout } = state.sums;
  const sums = decodeFloat64(values, source);
  if (sums.length !== buckets * layout.stride)
    throw new ConfigurationError(
      `${source}: the bootstrap sums hold ${sums.length} numbers, not ${buckets} buckets × ${layout.stride}; the partial report is damaged or from another mlgate version`,
      { file: source },
    );
  return {
    rows: state.rows,
    sums: { ...layout, sums },
    ranking: state.ranking,
    calibration: state.calibration,
    disagreements: state.disagreements,
  };
}

/** A shard's evaluation as its partial report holds it: the main state and every slice value's state encoded. */
export function encodeEvaluation(evaluation: EvaluationShardState): PartialEvaluation {
  return {
    ...evaluation,
    state: encodeEvaluationState(evaluation.state),
    slices: evaluation.slices.map(({ column, values }) => ({
      column,
      values: values.map((v) => ({ ...v, state: encodeEvaluationState(v.state) })),
    })),
  };
}

/**
 * A partial report's evaluation with its states decoded, the main state first, then the slices in order: a damaged
 * state throws, naming `source`.
 */
export function decodeEvaluation(evaluation: PartialEvaluation, source: string): EvaluationShardState {
  const state = decodeEvaluationState(evaluation.state, source);
  const slices = (evaluation.slices ?? []).map(({ column, values }) => ({
    column,
    values: values.map((v) => ({ ...v, state: decodeEvaluationState(v.state, source, 1) })),
  }));
  return { ...evaluation, state, slices };
}
