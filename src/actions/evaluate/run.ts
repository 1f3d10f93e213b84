import { resolve } from 'node:path';
import { compareEvaluation } from '../../core/evaluate/compare-models.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { classificationSanityWarnings } from '../../core/evaluate/sanity-checks.js';
import { sliceMetrics } from '../../core/evaluate/slices.js';
import type { WeakSliceSearch } from '../../core/evaluate/weak-slices.js';
import { readContract } from '../../io/contract-file.js';
import type { ModelScoring } from '../../io/onnx/batch-scorer.js';
import { loadOnnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { threadedEngine } from '../../io/parallel/threaded-engine.js';
import { withContractSettings } from '../../io/readers/read-settings.js';
import { RunReports } from '../../io/run-reports.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { parseEvaluateOptions, type EvaluateOptions } from './inputs.js';
import { timeModels } from './latency.js';
import { mergeEvaluation } from './merge.js';
import { modelFacts, openModels } from './models.js';
import { finishEvaluation } from './report.js';
import { scoreEvaluationData } from './score-data.js';
import { readScoredRows } from './scored-rows.js';
import { writeShardEvaluation } from './shard.js';
import { searchWeakSlices } from './weak-slice-search.js';

/** Scores the candidate and the baseline on the same data, compares them and applies the gate. */
export async function evaluate(env: ActionEnvironment): Promise<void> {
  const options = parseEvaluateOptions(env.inputs);
  const { shard, partial } = options.sharding;
  const reports = await RunReports.claim([resolve(env.cwd, shard ? partial! : options.report)]);
  await reports.guard(() => evaluateWith(env, options, reports));
}

/**
 * One run: the models opened, the data read and scored, the rows evaluated by the engine (or written as a shard's
 * partial report), then the gate and the report. A merge of shards' partials goes to the gate and the report at once.
 */
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
  const { candidate, baseline } = await openModels(env, options, ort, contractFeatures);
  const models = baseline ? [candidate, baseline] : [candidate];
  let scoring: ModelScoring | undefined;
  try {
    const scoredData = await scoreEvaluationData(env, options, ort, models, readSettings);
    scoring = scoredData.scoring;
    const { files, features, data, scored } = scoredData;
    const [candidateRun, baselineRun] = scored.models;
    const [candidateTimes, baselineTimes] = (await timeModels(env, models, features, scoredData.sample)) ?? [
      candidateRun!.times,
      baselineRun?.times,
    ];
    const read = readScoredRows(env, options, models, data, scored.models);
    const { task, classes, rows, warnings } = read;
    const fileHashes = await scoredData.fileHashes();
    const candidateFacts = modelFacts(candidate, options.model, candidateTimes!);
    const baselineFacts = baseline ? modelFacts(baseline, baseline.path, baselineTimes!) : null;
    const engine = threadedEngine(scoring, scored, host);
    if (shard) {
      const scoredShard = { createdAt, shard, data: scoredData, read, fileHashes };
      return await writeShardEvaluation(env, reports, options, scoredShard, candidateFacts, baselineFacts, engine);
    }

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
