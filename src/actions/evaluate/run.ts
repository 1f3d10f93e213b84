import { resolve } from 'node:path';
import { compareEvaluation } from '../../core/evaluate/compare-models.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { classificationSanityWarnings } from '../../core/evaluate/sanity-checks.js';
import { sliceMetrics } from '../../core/evaluate/slices.js';
import type { WeakSliceSearch } from '../../core/evaluate/weak-slices.js';
import { readContract } from '../../io/contract-file.js';
import { loadOnnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { threadedEngine } from '../../io/parallel/threaded-engine.js';
import { withContractSettings } from '../../io/readers/read-settings.js';
import { RunReports } from '../../io/run-reports.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { runShardedStep } from '../runtime/sharded-step.js';
import { parseEvaluateOptions, type EvaluateOptions } from './inputs.js';
import { measureImportance } from './importance.js';
import { timeModels } from './latency.js';
import { evaluationShards } from './evaluation-shards.js';
import { modelFacts, openModels } from './models.js';
import { finishEvaluation, type Scored } from './report.js';
import { scoreEvaluationData, type ScoredRun } from './score-data.js';
import { readScoredRows } from './scored-rows.js';
import { shardEvaluation } from './shard.js';
import { searchWeakSlices } from './weak-slice-search.js';

/** Scores the candidate and the baseline on the same data, compares them and applies the gate. */
export async function evaluate(env: ActionEnvironment): Promise<void> {
  const options = parseEvaluateOptions(env.inputs);
  const { shard, partial } = options.sharding;
  const reports = await RunReports.claim([resolve(env.cwd, shard ? partial! : options.report)]);
  await reports.guard(() => evaluateWith(env, options, reports));
}

/**
 * One run: the models opened, the data read and scored, then either the rows evaluated by the engine, the gate and
 * the report, or a shard's partial report; a merge of shards' partials goes to the gate and the report at once.
 */
async function evaluateWith(env: ActionEnvironment, options: EvaluateOptions, reports: RunReports): Promise<void> {
  if (options.token) env.host.setSecret(options.token);
  const createdAt = new Date().toISOString();
  // What scoring holds open (the models' sessions, the scoring thread), released however the run ends.
  const held: (() => Promise<void>)[] = [];
  try {
    await runShardedStep(
      env,
      reports,
      options.sharding,
      {
        adapter: evaluationShards(options),
        scan: () => scoreRows(env, options, held),
        shardToWrite: (scored, shard) => shardEvaluation(env, options, scored, shard, createdAt),
        finish: async (result) =>
          finishEvaluation(
            env,
            reports,
            options,
            'merged' in result ? result.merged : await evaluateRows(options, result.scanned, createdAt),
          ),
      },
      createdAt,
    );
  } finally {
    for (const release of held) await release();
  }
}

/** The models opened and the data read and scored (a shard's rows, or every row), ready for the engine. */
async function scoreRows(
  env: ActionEnvironment,
  options: EvaluateOptions,
  held: (() => Promise<void>)[],
): Promise<ScoredRun> {
  const { host, context } = env;
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
  const { candidate, baseline } = await openModels(env, options, ort, contractFeatures);
  held.push(() => candidate.model.release());
  if (baseline) held.push(() => baseline.model.release());
  const models = baseline ? [candidate, baseline] : [candidate];
  const scoredData = await scoreEvaluationData(env, options, ort, models, readSettings);
  // Closed before the models are released, as it scores with them.
  const { scoring } = scoredData;
  if (scoring) held.unshift(() => scoring.close());
  const { features, data, scored } = scoredData;
  const [candidateRun, baselineRun] = scored.models;
  const [candidateTimes, baselineTimes] = (await timeModels(env, models, features, scoredData.sample)) ?? [
    candidateRun!.times,
    baselineRun?.times,
  ];
  const read = readScoredRows(env, options, models, data, scored.models);
  // On this thread's sessions of the models, so before they are released (held).
  const importance = scoredData.importanceSample
    ? await measureImportance(env, options, models, features, read, data, scoredData.importanceSample)
    : undefined;
  return {
    data: scoredData,
    read,
    fileHashes: await scoredData.fileHashes(),
    candidate: modelFacts(candidate, options.model, candidateTimes!),
    baseline: baseline ? modelFacts(baseline, baseline.path, baselineTimes!) : null,
    features: candidate.features,
    notes: models.flatMap((m, i) =>
      m.model.facts.notes.map((note) => `${i === 0 ? 'candidate' : 'baseline'}: ${note}`),
    ),
    engine: threadedEngine(scoring, scored, host),
    importance,
  };
}

/** Every row evaluated by the engine, with slices, sanity checks and the weak-slice search: one run's result. */
async function evaluateRows(options: EvaluateOptions, scanned: ScoredRun, createdAt: string): Promise<Scored> {
  const { read, engine, fileHashes } = scanned;
  const { files, data } = scanned.data;
  const { task, classes, rows, warnings } = read;
  const [candidatePredictions, baselinePredictions] = rows.predictions;
  const engineOptions = { replicates: options.bootstrap, seed: options.seed, bucketCount: BOOTSTRAP_BUCKETS };
  let weakSlices: WeakSliceSearch | undefined;
  // The weak-slice search runs on this thread while the engine's other thread, when it has one, ranks.
  const evaluated = await engine.evaluate(rows, engineOptions, () => {
    if (baselinePredictions && options.weakSlices)
      weakSlices = searchWeakSlices(
        task,
        data,
        rows.truth,
        candidatePredictions!,
        baselinePredictions,
        options.minSliceRows,
      );
  });
  const compared = compareEvaluation(rows, evaluated, engineOptions);
  if (task === 'classification') {
    const metrics = [
      { who: 'candidate', metrics: compared.candidate },
      ...(compared.baseline ? [{ who: 'baseline', metrics: compared.baseline }] : []),
    ];
    warnings.push(...classificationSanityWarnings(metrics, rows.truth, classes));
  }
  const slices = data.slices.flatMap((column) =>
    sliceMetrics(column, rows.truth, candidatePredictions!, baselinePredictions, options.minSliceRows),
  );
  return {
    createdAt,
    task,
    data: {
      files: files.map((f, i) => ({ path: f.name, sha256: fileHashes[i], rows: data.fileRows[i] })),
      rows: data.rows,
      label: options.label,
      ...(files.length === 1 ? { sha256: fileHashes[0] } : {}),
    },
    candidate: scanned.candidate,
    baseline: scanned.baseline,
    compared,
    slices,
    warnings,
    notes: scanned.notes,
    classes,
    weakSlices,
    features: scanned.features,
    importance: scanned.importance,
  };
}
