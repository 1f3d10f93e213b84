import { resolve } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import { TextDictionary } from '../../core/data/batch.js';
import { resolveClasses } from '../../core/evaluate/class-labels.js';
import { compareEvaluation } from '../../core/evaluate/compare-models.js';
import { detectTask } from '../../core/evaluate/detect-task.js';
import { accumulateEvaluation } from '../../core/evaluate/evaluation-state.js';
import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import { describeShard } from '../../core/shard/shard-spec.js';
import { outputKindWarning, scoredPredictions, type Predictions } from '../../core/evaluate/model-output.js';
import type { WeakSliceSearch } from '../../core/evaluate/weak-slices.js';
import { classificationSanityWarnings } from '../../core/evaluate/sanity-checks.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { MAX_SHARD_SLICE_VALUES, sliceMetrics, sliceValueStates } from '../../core/evaluate/slices.js';
import { readContract } from '../../io/contract-file.js';
import { loadOnnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { threadedEngine } from '../../io/parallel/threaded-engine.js';
import { readWhileScoring, type ModelScoring, type ScoredModel } from '../../io/onnx/batch-scorer.js';
import { metadataList } from '../../io/onnx/onnx-model.js';
import { startScoring } from '../../io/parallel/background-scoring.js';
import { LATENCY_BATCH_ROWS, TimingSample } from '../../io/onnx/measure-latency.js';
import { readEvaluationData } from '../../io/read-evaluation-data.js';
import { resolveDataFiles } from '../../io/readers/dataset.js';
import { RunReports } from '../../io/run-reports.js';
import { withContractSettings } from '../../io/readers/read-settings.js';
import { ReadAlongHash, sha256FileOffThread } from '../../io/sha256.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { baselinePath } from './baseline.js';
import { parseEvaluateOptions, type EvaluateOptions } from './inputs.js';
import { timeModels } from './latency.js';
import { mergeEvaluation } from './merge.js';
import { modelFacts, openEvaluatedModel } from './models.js';
import { finishEvaluation } from './report.js';
import { hashedHere, writeEvaluationPartial } from './shard.js';
import { searchWeakSlices, weakSliceReads } from './weak-slice-search.js';

/** Scores the candidate and the baseline on the same data, compares them and applies the gate. */
export async function evaluate(env: ActionEnvironment): Promise<void> {
  const options = parseEvaluateOptions(env.inputs);
  const { shard, partial } = options.sharding;
  const reports = await RunReports.claim([resolve(env.cwd, shard ? partial! : options.report)]);
  await reports.guard(() => evaluateWith(env, options, reports));
}

async function evaluateWith(env: ActionEnvironment, options: EvaluateOptions, reports: RunReports): Promise<void> {
  const { host, context } = env;
  if (options.token) host.setSecret(options.token);
  const createdAt = new Date().toISOString();
  const { shard, merge } = options.sharding;
  if (merge) return finishEvaluation(env, reports, options, await mergeEvaluation(env, options, merge, createdAt));
  const ort = await loadOnnxruntime({
    path: options.onnxruntimePath ? resolve(env.cwd, options.onnxruntimePath) : undefined,
    cacheRoot: context.toolCache,
    registry: context.npmRegistry,
    logger: host,
  });
  host.info(`onnxruntime-node ${ort.version} from ${ort.source}`);

  const dataContract = options.contract
    ? await readContract(resolve(env.cwd, options.contract), options.contract)
    : undefined;
  const contractFeatures = dataContract
    ? Object.keys(dataContract.columns).filter((c) => c !== options.label && !options.slices.includes(c))
    : undefined;
  // The contract's dataset settings fill those the inputs leave unset.
  const readSettings = withContractSettings(options.read, dataContract?.dataset);
  const candidate = await openEvaluatedModel(
    env,
    options,
    ort,
    resolve(env.cwd, options.model),
    options.model,
    options.model,
    contractFeatures,
  );
  const baselineFile = await baselinePath(env, options);
  const baseline = baselineFile
    ? await openEvaluatedModel(
        env,
        options,
        ort,
        baselineFile.path,
        baselineFile.name,
        baselineFile.source,
        contractFeatures ?? candidate.features,
      )
    : undefined;
  let scoring: ModelScoring | undefined;
  try {
    const files = await resolveDataFiles(
      options.data,
      env.cwd,
      readSettings.format ?? 'auto',
      env.inputs.label('data'),
    );
    const features = [...new Set([...candidate.features, ...(baseline?.features ?? [])])];
    const models = baseline ? [candidate, baseline] : [candidate];
    // Unless the task is regression, the outputs are read as class probabilities as they come (used if the task and classes turn out so).
    const predict = options.task !== 'regression' ? options.output : undefined;
    scoring = await startScoring(
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
    if (scoring.onThread) host.debug('The models score on another thread while the data is read');
    // Each file's SHA-256 for the report (a shard hashes only what it reads whole). CSV and TSV files are hashed from
    // the chunks the read takes, on the scoring thread when there is one (this thread's read is the slower of the
    // two); others on a thread of their own beside the read.
    const hashed = files.filter((_, i) => hashedHere(files, i, options.sharding));
    const alongRead = new Map(
      hashed.flatMap((f) =>
        (f.format === 'csv' || f.format === 'tsv') && !f.gzip
          ? [[f, new ReadAlongHash(f.path, scoring!.hasher?.())] as const]
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
    const searchReads = await weakSliceReads(
      options,
      files,
      features,
      readSettings,
      baseline !== undefined && shard === undefined,
    );
    const { read: data, scored } = await readWhileScoring(scoring, (onFeatures) =>
      readEvaluationData(files, {
        features,
        textFeatures,
        onFeatures: (columns, rows, facts) => (sample.add(columns, rows), onFeatures(columns, rows, facts)),
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
    const [candidateRun, baselineRun] = scored.models as [ScoredModel, ScoredModel | undefined];
    const [candidateTimes, baselineTimes] = (await timeModels(env, models, features, sample)) ?? [
      candidateRun.times,
      baselineRun?.times,
    ];
    const task =
      options.task !== 'auto'
        ? options.task
        : detectTask(candidateRun.output, candidate.model.facts.metadata, data.label.numbers);
    const declared =
      options.classes ?? metadataList(candidate.model.facts, 'mlgate.classes') ?? candidate.model.facts.classes;
    let truth: Int32Array | Float64Array;
    let k = 0;
    let classes: string[] = [];
    if (task === 'classification') {
      const resolved = resolveClasses(
        data.label,
        declared,
        candidateRun.output.integer ? undefined : Math.max(2, candidateRun.output.width),
        data.locate,
      );
      truth = resolved.truth;
      classes = resolved.classes;
      k = resolved.classes.length;
      host.info(`Classes in output order: ${resolved.classes.join(', ')}`);
    } else {
      truth = data.label.numbers;
      const bad = truth.findIndex((v) => Number.isNaN(v));
      if (bad >= 0)
        throw new ConfigurationError(
          `${data.locate(bad)}: the label ${options.label} is not a number, so it cannot be a regression target; set task: classification if it is a class`,
        );
    }
    const read = (run: ScoredModel, who: string): Predictions => {
      try {
        return scoredPredictions(run, task, k, options.output, (row) => `row ${data.locate(row)}`);
      } catch (error) {
        (error as Error).message = `${who}: ${(error as Error).message}`;
        throw error;
      }
    };
    const candidatePredictions = read(candidateRun, candidate.source);
    const baselinePredictions = baselineRun ? read(baselineRun, baseline!.source) : undefined;
    const warnings: string[] = [];
    if (task === 'classification') {
      for (const [run, who] of [
        [candidateRun, 'candidate'],
        [baselineRun, 'baseline'],
      ] as const) {
        const warning = run && outputKindWarning(run.output, options.output, (row) => `row ${data.locate(row)}`);
        if (warning) warnings.push(`${who}: ${warning}`);
      }
    }

    const fileHashes = await Promise.all(
      (await offThread).map((digest, i) => digest ?? alongRead.get(files[i]!)?.digest()),
    );
    const candidateFacts = modelFacts(candidate, options.model, candidateTimes!);
    const baselineFacts = baseline ? modelFacts(baseline, baseline.path, baselineTimes!) : null;
    const predictions = baselinePredictions ? [candidatePredictions, baselinePredictions] : [candidatePredictions];
    if (shard) {
      const identity = {
        candidate: candidateFacts.sha256,
        baseline: baselineFacts?.sha256 ?? null,
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
        candidate: candidateFacts,
        baseline: baselineFacts,
        state: accumulateEvaluation(truth, predictions, data.buckets, BOOTSTRAP_BUCKETS),
        slices,
      };
      await writeEvaluationPartial(env, reports, options, {
        createdAt,
        shard,
        files,
        fileHashes,
        pieces,
        identity: { ...identity, slices: options.slices },
        evaluation,
      });
      host.print(
        `shard ${describeShard(shard)}: ${data.rows} rows scored; partial report ${options.sharding.partial} (merge the shards' partials with merge: to get the report and the gate)`,
      );
      return;
    }

    const rows = { truth, predictions, buckets: data.buckets };
    const engineOptions = { replicates: options.bootstrap, seed: options.seed, bucketCount: BOOTSTRAP_BUCKETS };
    let weakSlices: WeakSliceSearch | undefined;
    const evaluated = await threadedEngine(scoring, scored, host).evaluate(rows, engineOptions, () => {
      if (baselinePredictions && options.weakSlices)
        weakSlices = searchWeakSlices(
          task,
          data,
          truth,
          candidatePredictions,
          baselinePredictions,
          options.minSliceRows,
        );
    });
    const compared = compareEvaluation(rows, evaluated, engineOptions);
    if (task === 'classification') {
      const models = [
        { who: 'candidate', metrics: compared.candidate },
        ...(compared.baseline ? [{ who: 'baseline', metrics: compared.baseline }] : []),
      ];
      warnings.push(...classificationSanityWarnings(models, truth, classes));
    }
    const slices = data.slices.flatMap((column) =>
      sliceMetrics(column, truth, candidatePredictions, baselinePredictions, options.minSliceRows),
    );
    await finishEvaluation(env, reports, options, {
      createdAt,
      task,
      data: {
        files: files.map((f, i) => ({ path: f.name, sha256: fileHashes[i], rows: data.fileRows[i] })),
        rows: data.rows,
        label: options.label,
        ...(files.length === 1 ? { sha256: fileHashes[0] } : {}),
      },
      candidate: candidateFacts,
      baseline: baselineFacts,
      compared,
      slices,
      warnings,
      notes: models.flatMap((m, i) =>
        m.model.facts.notes.map((note) => `${i === 0 ? 'candidate' : 'baseline'}: ${note}`),
      ),
      classes,
      weakSlices,
      features: candidate.features,
    });
  } finally {
    await scoring?.close();
    await candidate.model.release();
    await baseline?.model.release();
  }
}
