import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import { ownsFile, type ShardSpec } from '../../core/shard/shard-spec.js';
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
