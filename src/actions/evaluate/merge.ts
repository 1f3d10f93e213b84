import type { ActionEnvironment } from '../runtime/host.js';
import { mergeShardPartials } from '../runtime/sharded-step.js';
import { evaluationShards } from './evaluation-shards.js';
import type { EvaluateOptions } from './inputs.js';
import type { Scored } from './report.js';

/**
 * The evaluation of the whole data from the partial reports of its shards (see evaluationShards), ready for the
 * gate and the report as one run's.
 */
export async function mergeEvaluation(
  env: ActionEnvironment,
  options: EvaluateOptions,
  patterns: readonly string[],
  createdAt: string,
): Promise<Scored> {
  return mergeShardPartials(env, evaluationShards(options), patterns, createdAt);
}
