import { ConfigurationError } from '../../core/errors.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { MAX_SHARD_SLICE_VALUES, sliceValueStates } from '../../core/evaluate/slices.js';
import { describeShard, ownsFile, type ShardSpec } from '../../core/shard/shard-spec.js';
import { fileFacts } from '../../io/partial-documents.js';
import type { EvaluationShardState } from '../../io/partials/evaluation-payload.js';
import { splitsByFile, type DatasetFile } from '../../io/readers/dataset.js';
import type { ActionEnvironment } from '../runtime/host.js';
import type { ShardToWrite } from '../runtime/sharded-step.js';
import type { Sharding } from '../runtime/sharding.js';
import type { EvaluateOptions } from './inputs.js';
import type { ScoredRun } from './score-data.js';

/**
 * Whether this run hashes file `index` for the report: an unsharded run hashes every file; a shard only the files
 * it reads whole (by file, or every file for the first shard of a key split), since hashing every file in every
 * shard would cost more than the shard's own work. The partials record every file's size instead.
 */
export function hashedHere(files: readonly DatasetFile[], index: number, sharding: Sharding): boolean {
  const { shard } = sharding;
  if (!shard) return true;
  if (sharding.key !== undefined) return shard.index === 1;
  return splitsByFile(files, shard) && ownsFile(shard, index);
}

/**
 * A shard's evaluation, for its partial report: the evaluation state of its rows (the engine's) and of every slice
 * value (see sliceValueStates), with what every shard must share for the merge to add them up.
 */
export async function shardEvaluation(
  env: ActionEnvironment,
  options: EvaluateOptions,
  scored: ScoredRun,
  shard: ShardSpec,
  createdAt: string,
): Promise<ShardToWrite<'evaluate', EvaluationShardState>> {
  const { data, files, features, pieces } = scored.data;
  const { task, classes, rows } = scored.read;
  const { truth, predictions } = rows;
  const { candidate, baseline, fileHashes } = scored;
  const identity = {
    candidate: candidate.sha256,
    baseline: baseline?.sha256 ?? null,
    features,
    label: options.label,
    task: options.task,
    classes: options.classes ?? null,
    output: options.output,
    slices: options.slices,
  };
  const slices = data.slices.map((column) => ({
    column: column.name,
    values: sliceValueStates(column, truth, predictions, (count) => {
      throw new ConfigurationError(
        `${env.inputs.label('slices')}: ${column.name} has ${count} values in shard ${describeShard(shard)}, more than the ${MAX_SHARD_SLICE_VALUES} a sharded run can carry; slice by a column of fewer values (e.g. a bucketed copy), or slice unsharded`,
      );
    }),
  }));
  const state = {
    task,
    label: options.label,
    classes,
    candidate,
    baseline,
    state: scored.engine.accumulate(rows, BOOTSTRAP_BUCKETS),
    slices,
  };
  const facts = await fileFacts(files);
  return {
    result: {
      createdAt,
      shard,
      key: options.sharding.key,
      pieces,
      files: facts.map((f, i) => (fileHashes[i] ? { ...f, sha256: fileHashes[i] } : f)),
      identity,
      state,
    },
    done: `shard ${describeShard(shard)}: ${data.rows} rows scored; partial report ${options.sharding.partial} (merge the shards' partials with merge: to get the report and the gate)`,
  };
}
