import { resolve } from 'node:path';
import type { PartialEvaluation, PartialEvaluationState } from '../../core/documents.js';
import type { EvaluationState } from '../../core/evaluate/evaluation-state.js';
import type { SliceValueState } from '../../core/evaluate/slices.js';
import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import { ownsFile, type ShardSpec } from '../../core/shard/shard-spec.js';
import { encodeArray, fileFacts, writePartial } from '../../io/partial-documents.js';
import { splitsByFile, type DatasetFile } from '../../io/readers/dataset.js';
import type { RunReports } from '../../io/run-reports.js';
import type { ActionEnvironment } from '../runtime/host.js';
import type { Sharding } from '../runtime/sharding.js';
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

/** An evaluation state as a partial report holds it: the bucket sums as float64 in base64 (exact, and compact). */
export function encodeEvaluationState(state: EvaluationState): PartialEvaluationState {
  const { sums, ...sumsLayout } = state.sums;
  return { rows: state.rows, sums: { ...sumsLayout, values: encodeArray(sums) }, ranking: state.ranking, calibration: state.calibration, disagreements: state.disagreements };
}

/** What a shard of evaluate scored, for its partial report. */
export interface ShardEvaluation {
  createdAt: string;
  shard: ShardSpec;
  files: readonly DatasetFile[];
  fileHashes: readonly (string | undefined)[];
  pieces: ShardPiece[];
  /** What every shard must share, beside the files: the models, features, label and how outputs are read. */
  identity: object;
  evaluation: Omit<PartialEvaluation, 'state' | 'slices'> & { state: EvaluationState; slices: { column: string; values: SliceValueState[] }[] };
}

/** Writes a shard's partial report (the merge finishes it) and sets the `partial` output. */
export async function writeEvaluationPartial(env: ActionEnvironment, reports: RunReports, options: EvaluateOptions, scored: ShardEvaluation): Promise<void> {
  const { shard } = scored;
  const facts = await fileFacts(scored.files);
  const evaluation = {
    ...scored.evaluation,
    state: encodeEvaluationState(scored.evaluation.state),
    slices: scored.evaluation.slices.map(({ column, values }) => ({ column, values: values.map((v) => ({ ...v, state: encodeEvaluationState(v.state) })) })),
  };
  const partial = options.sharding.partial!;
  await writePartial(resolve(env.cwd, partial), {
    step: 'evaluate',
    createdAt: scored.createdAt,
    shard,
    key: options.sharding.key,
    pieces: scored.pieces,
    files: facts.map((f, i) => (scored.fileHashes[i] ? { ...f, sha256: scored.fileHashes[i] } : f)),
    identity: scored.identity,
    payload: { evaluation },
  }, (path, document, how) => reports.write(path, document, how));
  env.host.setOutput('partial', partial);
}
