import type { PartialModel } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import type { EvaluationEngine } from '../../core/evaluate/evaluation-engine.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { MAX_SHARD_SLICE_VALUES, sliceValueStates } from '../../core/evaluate/slices.js';
import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import { describeShard, ownsFile, type ShardSpec } from '../../core/shard/shard-spec.js';
import { fileFacts } from '../../io/partial-documents.js';
import type { EvaluationShardState } from '../../io/partials/evaluation-payload.js';
import type { EvaluateIdentity } from '../../io/partials/shard-identities.js';
import { splitsByFile, type DatasetFile } from '../../io/readers/dataset.js';
import type { RunReports } from '../../io/run-reports.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { writeShardPartial } from '../runtime/sharded-step.js';
import type { Sharding } from '../runtime/sharding.js';
import { evaluationShards } from './evaluation-shards.js';
import type { EvaluateOptions } from './inputs.js';
import type { ScoredData } from './score-data.js';
import type { ReadRows } from './scored-rows.js';

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

/** What a shard of evaluate scored, for its partial report. */
export interface ShardEvaluation {
  createdAt: string;
  shard: ShardSpec;
  files: readonly DatasetFile[];
  fileHashes: readonly (string | undefined)[];
  pieces: ShardPiece[];
  /** What every shard must share, beside the files: the models, features, label and how outputs are read. */
  identity: EvaluateIdentity;
  evaluation: EvaluationShardState;
}

/** Writes a shard's partial report (the merge finishes it) and sets the `partial` output. */
export async function writeEvaluationPartial(
  env: ActionEnvironment,
  reports: RunReports,
  options: EvaluateOptions,
  scored: ShardEvaluation,
): Promise<void> {
  const facts = await fileFacts(scored.files);
  await writeShardPartial(env, reports, evaluationShards(options), options.sharding.partial!, {
    createdAt: scored.createdAt,
    shard: scored.shard,
    key: options.sharding.key,
    pieces: scored.pieces,
    files: facts.map((f, i) => (scored.fileHashes[i] ? { ...f, sha256: scored.fileHashes[i] } : f)),
    identity: scored.identity,
    state: scored.evaluation,
  });
}

/**
 * A shard's evaluation, written as its partial report: the evaluation state of its rows (the engine's) and of every
 * slice value (see sliceValueStates), with what every shard must share for the merge to add them up.
 */
export async function writeShardEvaluation(
  env: ActionEnvironment,
  reports: RunReports,
  options: EvaluateOptions,
  scored: { createdAt: string; shard: ShardSpec; data: ScoredData; read: ReadRows; fileHashes: (string | undefined)[] },
  candidate: PartialModel,
  baseline: PartialModel | null,
  engine: EvaluationEngine,
): Promise<void> {
  const { shard } = scored;
  const { data, files, features, pieces } = scored.data;
  const { task, classes, rows } = scored.read;
  const { truth, predictions } = rows;
  const identity = {
    candidate: candidate.sha256,
    baseline: baseline?.sha256 ?? null,
    features,
    label: options.label,
    task: options.task,
    classes: options.classes ?? null,
    output: options.output,
  };
  const slices = data.slices.map((column) => ({
    column: column.name,
    values: sliceValueStates(column, truth, predictions, (count) => {
      throw new ConfigurationError(
        `${env.inputs.label('slices')}: ${column.name} has ${count} values in shard ${describeShard(shard)}, more than the ${MAX_SHARD_SLICE_VALUES} a sharded run can carry; slice by a column of fewer values (e.g. a bucketed copy), or slice unsharded`,
      );
    }),
  }));
  const evaluation = {
    task,
    label: options.label,
    classes,
    candidate,
    baseline,
    state: engine.accumulate(rows, BOOTSTRAP_BUCKETS),
    slices,
  };
  await writeEvaluationPartial(env, reports, options, {
    createdAt: scored.createdAt,
    shard,
    files,
    fileHashes: scored.fileHashes,
    pieces,
    identity: { ...identity, slices: options.slices },
    evaluation,
  });
  env.host.print(
    `shard ${describeShard(shard)}: ${data.rows} rows scored; partial report ${options.sharding.partial} (merge the shards' partials with merge: to get the report and the gate)`,
  );
}
