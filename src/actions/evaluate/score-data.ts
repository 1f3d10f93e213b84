import { TextDictionary } from '../../core/data/batch.js';
import type { PartialModel, PermutationImportanceReport } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import type { EvaluationEngine } from '../../core/evaluate/evaluation-engine.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { RowReservoir } from '../../core/evaluate/row-reservoir.js';
import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import { describeShard } from '../../core/shard/shard-spec.js';
import { readWhileScoring, type ModelScoring, type ScoringResult } from '../../io/onnx/batch-scorer.js';
import type { Onnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { LATENCY_BATCH_ROWS, TimingSample } from '../../io/onnx/measure-latency.js';
import { needsFloat64, startScoring } from '../../io/parallel/background-scoring.js';
import { readEvaluationData, type EvaluationData } from '../../io/read-evaluation-data.js';
import { resolveDataFiles, type DatasetFile } from '../../io/readers/dataset.js';
import type { ReadSettings } from '../../io/readers/read-settings.js';
import { ReadAlongHash, sha256FileOffThread } from '../../io/sha256.js';
import type { ActionEnvironment } from '../runtime/host.js';
import type { EvaluateOptions } from './inputs.js';
import type { OpenedModel } from './models.js';
import type { ReadRows } from './scored-rows.js';
import { hashedHere } from './shard.js';
import { weakSliceReads } from './weak-slice-search.js';

/** The data read and scored by every model, with what the rest of the run needs of the read. */
export interface ScoredData {
  files: DatasetFile[];
  /** The features fed to the models: the union of theirs, in order. */
  features: string[];
  data: EvaluationData;
  scored: ScoringResult;
  /** The scoring, finished: the caller closes it once the ranking (which may share its thread) is done. */
  scoring: ModelScoring;
  /** What the shard read of each file (sharded runs). */
  pieces: ShardPiece[];
  /** The first rows, to time the models on (see timeModels). */
  sample: TimingSample;
  /** With permutation-importance: a uniform random sample of the rows, to measure it on (see measureImportance). */
  importanceSample?: RowReservoir;
  /** Each file's SHA-256 for the report, undefined where this run does not hash it (see hashedHere). */
  fileHashes(): Promise<(string | undefined)[]>;
}

/** What scoring leaves for the engine: the data scored, the rows read back as the task's, and the models' facts. */
export interface ScoredRun {
  data: ScoredData;
  read: ReadRows;
  fileHashes: (string | undefined)[];
  candidate: PartialModel;
  baseline: PartialModel | null;
  /** The candidate's features, in its input order. */
  features: string[];
  /** What opening the models noted, for the report. */
  notes: string[];
  engine: EvaluationEngine;
  /** Both models' permutation importance, with permutation-importance on. */
  importance?: PermutationImportanceReport;
}

/**
 * Reads the data and scores it with every model as it is read (on another thread when one is worth it: see
 * startScoring), hashing the files on the way. Closes the scoring when it fails.
 */
export async function scoreEvaluationData(
  env: ActionEnvironment,
  options: EvaluateOptions,
  ort: Onnxruntime,
  models: readonly OpenedModel[],
  readSettings: ReadSettings,
): Promise<ScoredData> {
  const { host } = env;
  const { shard } = options.sharding;
  const files = await resolveDataFiles(options.data, env.cwd, readSettings.format ?? 'auto', env.inputs.label('data'));
  const features = [...new Set(models.flatMap((m) => m.features))];
  // Unless the task is regression, the outputs are read as class probabilities as they come (used if the task and
  // classes turn out so).
  const predict = options.task !== 'regression' ? options.output : undefined;
  const scoring = await startScoring(
    ort,
    models.map((m) => ({
      model: m.model,
      path: m.path,
      columns: m.features.map((f) => features.indexOf(f)),
      predict,
    })),
    features.length,
    options.batchSize,
    files,
    { bucketCount: BOOTSTRAP_BUCKETS },
  );
  try {
    if (scoring.onThread) host.debug('The models score on another thread while the data is read');
    // Each file's SHA-256 for the report (a shard hashes only what it reads whole). CSV and TSV files are hashed from
    // the chunks the read takes, on the scoring thread when there is one (this thread's read is the slower of the
    // two); others on a thread of their own beside the read.
    const hashed = files.filter((_, i) => hashedHere(files, i, options.sharding));
    const alongRead = new Map(
      hashed.flatMap((f) =>
        (f.format === 'csv' || f.format === 'tsv') && !f.gzip
          ? [[f, new ReadAlongHash(f.path, scoring.hasher?.())] as const]
          : [],
      ),
    );
    const offThread = Promise.all(
      files.map((f) => (hashed.includes(f) && !alongRead.has(f) ? sha256FileOffThread(f.path) : undefined)),
    );
    const pieces: ShardPiece[] = [];
    // The models' string inputs: read as texts, fed as ids into these dictionaries, which the models look up.
    const textFeatures = new Map<string, TextDictionary>();
    for (const m of models) {
      for (const input of m.model.facts.inputs) {
        if (m.model.facts.layout !== 'columns' || input.type !== 'string') continue;
        if (!textFeatures.has(input.name)) textFeatures.set(input.name, new TextDictionary());
        m.model.texts.set(input.name, textFeatures.get(input.name)!.values);
      }
    }
    // The first rows are kept to time the models on once the scoring is done (see measureLatency).
    const sample = new TimingSample(Math.min(options.batchSize, LATENCY_BATCH_ROWS), features.length);
    // Only when asked for: with permutation-importance off, the read keeps nothing more.
    const importanceSample = options.permutationImportance
      ? new RowReservoir(
          options.permutationImportance.rows,
          features.length,
          options.seed,
          needsFloat64(models.map((m) => m.model)) ? 'float64' : 'float32',
        )
      : undefined;
    const searchReads = await weakSliceReads(options, files, features, readSettings, models.length > 1 && !shard);
    const { read: data, scored } = await readWhileScoring(scoring, (onFeatures) =>
      readEvaluationData(files, {
        features,
        textFeatures,
        onFeatures: (columns, rows, facts) => (
          sample.add(columns, rows), importanceSample?.add(columns, rows), onFeatures(columns, rows, facts)
        ),
        label: options.label,
        sliceColumns: options.slices,
        ...searchReads,
        bucketCount: BOOTSTRAP_BUCKETS,
        settings: readSettings,
        shard,
        shardKey: options.sharding.key,
        onPiece: (piece) => pieces.push(piece),
        onFileBytes: (file, chunk) => alongRead.get(file)?.update(chunk),
      }),
    );
    if (data.rows === 0)
      throw new ConfigurationError(
        `${options.data.join(', ')}: no rows to evaluate${shard ? ` in shard ${describeShard(shard)}; use fewer shards` : ''}`,
      );
    host.info(
      `Read and scored ${data.rows} rows of ${files.length} ${files.length === 1 ? 'file' : 'files'}${shard ? ` (shard ${describeShard(shard)})` : ''}`,
    );
    const fileHashes = async () =>
      Promise.all((await offThread).map((digest, i) => digest ?? alongRead.get(files[i]!)?.digest()));
    return { files, features, data, scored, scoring, pieces, sample, importanceSample, fileHashes };
  } catch (error) {
    await scoring.close();
    throw error;
  }
}
