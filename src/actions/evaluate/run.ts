import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type {
  EvalReport,
  MetricComparison,
  Metrics,
  ModelResult,
  PartialModel,
  RulesFile,
  SliceResult,
} from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import { TextDictionary } from '../../core/data/batch.js';
import { resolveClasses } from '../../core/evaluate/class-labels.js';
import {
  completeComparison,
  HIGHER_IS_BETTER,
  prepareComparison,
  type ModelComparison,
} from '../../core/evaluate/compare-models.js';
import { sumByBucket } from '../../core/evaluate/bucket-sums.js';
import { accumulateEvaluation } from '../../core/evaluate/evaluation-state.js';
import { summedRowsFor } from '../../core/evaluate/evaluation-stream.js';
import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import { describeShard } from '../../core/shard/shard-spec.js';
import {
  outputKindWarning,
  readPredictions,
  streamedPredictions,
  type Predictions,
} from '../../core/evaluate/model-output.js';
import { classificationSanityWarnings } from '../../core/evaluate/sanity-checks.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import {
  MAX_SHARD_SLICE_VALUES,
  numericSearchColumn,
  searchColumnOf,
  sliceMetrics,
  sliceValueStates,
} from '../../core/evaluate/slices.js';
import {
  pairedRowsOf,
  searchCells,
  WEAK_SLICE_ALPHA,
  weakSlicesOf,
  type SearchColumn,
  type WeakSliceSearch,
} from '../../core/evaluate/weak-slices.js';
import { runUrl } from '../../github/context.js';
import { evaluateGate, type GateContext, type GatePolicy } from '../../core/gate/evaluate-gate.js';
import { defaultPolicy, parsePolicy } from '../../core/gate/parse-policy.js';
import { LATEST_RELEASE, latestReleaseAsset, NoReleaseError } from '../../github/latest-release.js';
import { checkBaselineRun, downloadRunArtifact, type PullRequestHead } from '../../github/run-artifacts.js';
import { readContract } from '../../io/contract-file.js';
import { parseYamlConfig } from '../../io/yaml-config.js';
import { unpackArchive, writeArchiveEntries } from '../../io/zip-archive.js';
import { loadOnnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { shareRanking } from '../../io/parallel/background-ranking.js';
import {
  readWhileScoring,
  type ModelScoring,
  type ScoredModel,
  type ScoringTimes,
} from '../../io/onnx/batch-scorer.js';
import { metadataList, openModel, type OnnxModel } from '../../io/onnx/onnx-model.js';
import { startScoring } from '../../io/parallel/background-scoring.js';
import { latencyChangeInterval, quantileOfSorted } from '../../core/evaluate/latency-interval.js';
import { DEFAULT_LATENCY, LATENCY_BATCH_ROWS, measureLatency, TimingSample } from '../../io/onnx/measure-latency.js';
import { bootstrapJob, jobTotals } from '../../io/parallel/shared-bootstrap.js';
import { readEvaluationData, type EvaluationData, type EvaluationReadOptions } from '../../io/read-evaluation-data.js';
import { sniffNumericColumns } from '../../io/sniff-types.js';
import { resolveDataFiles, type DatasetFile } from '../../io/readers/dataset.js';
import { RunReports } from '../../io/run-reports.js';
import { withContractSettings, type ReadSettings } from '../../io/readers/read-settings.js';
import { ReadAlongHash, sha256FileOffThread } from '../../io/sha256.js';
import { renderReport, SUMMARY_LIMIT_BYTES } from '../../render/report.js';
import { renderEvaluationSection } from '../../render/sections/evaluation.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { readRulesFile } from '../runtime/rules-files.js';
import { NO_BASELINE, parseEvaluateOptions, type EvaluateOptions } from './inputs.js';
import { mergeEvaluation } from './merge.js';
import { hashedHere, writeEvaluationPartial } from './shard.js';

/** A model to score, opened, with where it came from. */
interface OpenedModel {
  model: OnnxModel;
  path: string;
  source: string;
  features: string[];
}

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
  if (merge) return finish(env, reports, options, await mergeEvaluation(env, options, merge, createdAt));
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
  const candidate = await open(
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
    ? await open(
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
      options.task !== 'auto' ? options.task : detectTask(candidateRun.output, candidate.model.facts.metadata, data);
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
        return (
          streamedPredictions(run.predictions, task, k) ??
          readPredictions(run.output, task, k, options.output, (row) => `row ${data.locate(row)}`)
        );
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

    // What was summed as the rows were scored, when it read the labels as the classes resolved here.
    const summed = task === 'classification' ? summedRowsFor(scored.summed, truth, k) : undefined;
    if (summed) host.debug('The additive metrics were summed as the rows were scored');
    const sums = summed?.sums ?? sumByBucket(truth, predictions, data.buckets, BOOTSTRAP_BUCKETS);
    // The rank metrics sort every model's scores, and the bootstrap sums the replicates: shared with another thread
    // when one is to be had. The keys split as the rows were scored are ranked when the sums are of this truth.
    const bootstrap =
      options.bootstrap > 0 ? bootstrapJob(sums.sums, sums.stride, options.bootstrap, options.seed) : undefined;
    const ranking = shareRanking(truth, predictions, summed ? scored.rankKeys : undefined, scoring, bootstrap);
    if (ranking.onThread)
      host.debug('ROC AUC and PR AUC are ranked on another thread, which also shares the bootstrap');
    // The weak-slice search runs first, while the other thread (when there is one) ranks and claims replicates; this
    // thread then claims what is left, so that both end together rather than the search running after its part.
    const weakSlices =
      baselinePredictions && options.weakSlices
        ? searchWeakSlices(task, data, truth, candidatePredictions, baselinePredictions, options.minSliceRows)
        : undefined;
    ranking.takePart();
    const ranks = await ranking.ranks();
    const prepared = prepareComparison(
      truth,
      predictions,
      data.buckets,
      { replicates: options.bootstrap, seed: options.seed, bucketCount: BOOTSTRAP_BUCKETS },
      { ...summed, sums, replicateTotals: bootstrap && jobTotals(bootstrap) },
    );
    const compared = completeComparison(prepared, ranks);
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
    await finish(env, reports, options, {
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

/** What the report needs once the rows are scored: from one run, or merged from the shards' partial reports. */
export interface Scored {
  createdAt: string;
  task: 'classification' | 'regression';
  data: NonNullable<EvalReport['data']>;
  candidate: PartialModel;
  baseline: PartialModel | null;
  compared: ModelComparison;
  slices: SliceResult[];
  /** Results that look like a setup mistake rather than a model's (see classificationSanityWarnings). */
  warnings?: string[];
  /** How the models were run where mlgate adapted to them (a ZipMap read as its tensor, a fixed batch size). */
  notes?: string[];
  /** Classification: the class names in output order. */
  classes: string[];
  weakSlices?: WeakSliceSearch;
  /** The candidate's input columns, in order (one run only). */
  features?: string[];
}

/**
 * What the weak-slice search reads besides the slices (unsharded, with a baseline): every other column, each as its
 * first rows suggest (numbers only, or text only: reading text both ways costs a string per cell), and the features.
 */
async function weakSliceReads(
  options: EvaluateOptions,
  files: readonly DatasetFile[],
  features: readonly string[],
  settings: ReadSettings,
  possible: boolean,
): Promise<Pick<EvaluationReadOptions, 'searchColumns' | 'searchAs' | 'keepFeatures'>> {
  if (!options.weakSlices || !possible) return {};
  const used = new Set([...features, options.label, ...options.slices]);
  const sniffed = await sniffNumericColumns(files, settings, (column) => used.has(column));
  return {
    searchColumns: true,
    keepFeatures: true,
    searchAs: (column) =>
      sniffed.columns[column]?.type === 'float' ? 'number' : sniffed.columns[column] ? 'text' : 'auto',
  };
}

/**
 * The weak-slice search of one run: the slice columns, every other column of the data and the features, cut as
 * searchColumnOf cuts them, and pairs of them on enough rows.
 */
function searchWeakSlices(
  task: 'classification' | 'regression',
  data: EvaluationData,
  truth: Int32Array | Float64Array,
  candidate: Predictions,
  baseline: Predictions,
  minRows: number,
): WeakSliceSearch {
  const columns = [...data.slices, ...data.searched]
    .map(searchColumnOf)
    .filter((c): c is SearchColumn => c !== undefined);
  const taken = new Set(columns.map((c) => c.name));
  for (const feature of data.features)
    if (!taken.has(feature.name)) columns.push(numericSearchColumn(feature.name, feature.parts));
  const { cells, pairs } = searchCells(columns, pairedRowsOf(truth, candidate, baseline));
  return weakSlicesOf(cells, { task, minRows, alpha: WEAK_SLICE_ALPHA, columns: columns.map((c) => c.name), pairs });
}

/** Adds the cost metrics, applies the gate, writes the report and reports the outcome. */
async function finish(
  env: ActionEnvironment,
  reports: RunReports,
  options: EvaluateOptions,
  scored: Scored,
): Promise<void> {
  const { compared, candidate, baseline, task } = scored;
  addCostMetrics(compared.candidate, candidate);
  if (baseline && compared.baseline) addCostMetrics(compared.baseline, baseline);
  const comparisons: MetricComparison[] = [
    ...compared.comparisons,
    ...costComparisons(compared.candidate, compared.baseline, [candidate, baseline]),
  ];
  const { policy, origin } = await loadPolicy(env, options, task);
  const gate = evaluateGate(
    comparisons,
    policy,
    { ...overrideContext(env, options), rows: scored.data.rows },
    scored.slices,
  );
  const report: EvalReport = {
    schema: 'mlgate/eval-report@1',
    created_at: scored.createdAt,
    task,
    data: scored.data,
    candidate: {
      path: candidate.path,
      source: candidate.source,
      sha256: candidate.sha256,
      bytes: candidate.bytes,
      metrics: compared.candidate,
      ...classBreakdown(compared, 0),
    },
    baseline:
      baseline && compared.baseline
        ? {
            path: baseline.path,
            source: baseline.source,
            sha256: baseline.sha256,
            bytes: baseline.bytes,
            metrics: compared.baseline,
            ...classBreakdown(compared, 1),
          }
        : null,
    comparisons,
    ...(scored.slices.length > 0 ? { slices: scored.slices } : {}),
    ...(scored.features ? { features: scored.features } : {}),
    ...(task === 'classification' && scored.classes.length > 0 ? { classes: scored.classes } : {}),
    ...(scored.weakSlices ? { weak_slices: scored.weakSlices } : {}),
    ...(compared.mcnemar
      ? {
          tests: {
            mcnemar: {
              baseline_only: compared.mcnemar.baselineOnly,
              candidate_only: compared.mcnemar.candidateOnly,
              p_value: compared.mcnemar.pValue,
              method: compared.mcnemar.method,
            },
          },
        }
      : {}),
    ...(origin ? { policy: origin } : {}),
    ...reportProvenance(env.context),
    ...(scored.warnings?.length ? { warnings: scored.warnings } : {}),
    ...(scored.notes?.length ? { notes: scored.notes } : {}),
    gate,
  };
  for (const warning of scored.warnings ?? []) env.host.warning(warning);
  await reports.write(resolve(env.cwd, options.report), report);
  await reportResults(env, options, report);
}

/** Model `m`'s confusion matrix and per-class scores, for the report. */
function classBreakdown(compared: ModelComparison, m: number): Pick<ModelResult, 'confusion_matrix' | 'per_class'> {
  const breakdown = compared.classes[m];
  return breakdown ? { confusion_matrix: breakdown.confusion, per_class: breakdown.perClass } : {};
}

/**
 * Where the report is written: the run, its attempt and the job, so that release can tell a report this job
 * produced from one that was committed or handed in. Outside a workflow run (the CLI on a laptop) there is none.
 */
function reportProvenance(context: ActionEnvironment['context']): Pick<EvalReport, 'run'> {
  if (context.runId === undefined || !context.job) return {};
  const repository = context.owner && context.repo ? `${context.owner}/${context.repo}` : undefined;
  const url = runUrl(context);
  return {
    run: {
      ...(repository ? { repository } : {}),
      id: context.runId,
      attempt: context.runAttempt ?? 1,
      job: context.job,
      ...(context.sha ? { sha: context.sha } : {}),
      ...(url ? { url } : {}),
    },
  };
}

/** A scored model's identity and its timed calls (see timeModels). */
function modelFacts(opened: OpenedModel, path: string, times: ScoringTimes): PartialModel {
  return {
    path,
    source: opened.source,
    sha256: opened.model.facts.sha256,
    bytes: opened.model.facts.bytes,
    batch_ms: times.batchMs,
    batch_rows: times.batchRows,
  };
}

/**
 * Each model's latency, timed on the first rows of the data once the scoring is done (see measureLatency), and a
 * line in the log saying how; undefined when no row was read.
 */
async function timeModels(
  env: ActionEnvironment,
  models: readonly OpenedModel[],
  features: readonly string[],
  sample: TimingSample,
): Promise<ScoringTimes[] | undefined> {
  const began = Date.now();
  const measured = await measureLatency(
    models.map((m) => ({ run: m.model.run, columns: m.features.map((f) => features.indexOf(f)) })),
    sample,
    DEFAULT_LATENCY,
  );
  if (!measured) return undefined;
  const times = measured.models;
  const fmt = (ms: number) => Number(ms.toPrecision(3)).toString();
  const described = times.map((t, i) => {
    const sorted = Float64Array.from(t.batchMs).sort();
    return `${i === 0 ? 'candidate' : 'baseline'} p50 ${fmt(latencyQuantile(sorted, 0.5)!)} ms, p95 ${fmt(latencyQuantile(sorted, 0.95)!)} ms`;
  });
  env.host.info(
    `Latency (measured in ${((Date.now() - began) / 1000).toFixed(2)} s): ${times[0]!.batchMs.length} timed calls of ${sample.rows} rows per model after ${DEFAULT_LATENCY.warmUpCalls} warm-up calls, the models in turn${measured.retimedRounds > 0 ? ` (${measured.retimedRounds} rounds timed again: the process was off the CPU)` : ''}; ${described.join('; ')}`,
  );
  return times;
}

/** The q-quantile of sorted timings as the report takes it; null for none. */
function latencyQuantile(sorted: Float64Array, q: number): number | null {
  return sorted.length > 0 ? quantileOfSorted(sorted, q) : null;
}

async function open(
  env: ActionEnvironment,
  options: EvaluateOptions,
  ort: Awaited<ReturnType<typeof loadOnnxruntime>>,
  path: string,
  name: string,
  source: string,
  fallbackFeatures?: string[],
): Promise<OpenedModel> {
  const model = await openModel(ort, path, name);
  for (const note of model.facts.notes) env.host.info(`${name}: ${note}`);
  const own = metadataList(model.facts, 'mlgate.features');
  // A model with one input per column names its features: each input is fed from the column of its name.
  const features =
    model.facts.layout === 'columns'
      ? model.facts.inputs.map((i) => i.name)
      : (options.features ?? own ?? fallbackFeatures);
  if (!features) {
    await model.release();
    throw new ConfigurationError(
      `${name} does not name its features (no metadata mlgate.features); set ${env.inputs.label('features')} to its input columns, in order, or ${env.inputs.label('contract')} to a contract that lists them`,
    );
  }
  if (model.facts.width !== undefined && features.length !== model.facts.width) {
    await model.release();
    const input = model.facts.inputs[0]!;
    throw new ConfigurationError(
      `${name}: the input ${input.name} takes ${input.type} [${input.shape.join(', ')}], ${model.facts.width} features a row, but ${features.length} are listed (${features.slice(0, 8).join(', ')}${features.length > 8 ? ', …' : ''}), which would feed [rows, ${features.length}]; list exactly its input columns, in order, in ${env.inputs.label('features')}`,
    );
  }
  return { model, path, source, features };
}

/** The baseline's file: a path, the model of the latest release, or none (also before the first release). */
async function baselinePath(
  env: ActionEnvironment,
  options: EvaluateOptions,
): Promise<{ path: string; name: string; source: string } | undefined> {
  if (options.baseline === NO_BASELINE) return undefined;
  const fromArtifact = ARTIFACT_BASELINE.exec(options.baseline);
  if (fromArtifact) return artifactBaseline(env, options, Number(fromArtifact[1]), fromArtifact[2]!, fromArtifact[3]);
  if (options.baseline !== LATEST_RELEASE)
    return { path: resolve(env.cwd, options.baseline), name: options.baseline, source: options.baseline };
  const { context, host } = env;
  if (!options.token || !context.owner || !context.repo) {
    host.warning(
      `${env.inputs.label('baseline')} release:latest needs a github-token and GITHUB_REPOSITORY; evaluating the candidate alone (set baseline: none to silence this)`,
    );
    return undefined;
  }
  const client = await env.createClient(options.token);
  try {
    const asset = await latestReleaseAsset(
      client,
      { owner: context.owner, repo: context.repo },
      { tagPrefix: options.tagPrefix, asset: 'model.onnx', cacheDir: context.runnerTemp ?? env.cwd },
    );
    host.info(`Baseline: model.onnx of ${asset.tag}`);
    return { path: asset.path, name: `${asset.tag}/model.onnx`, source: `release ${asset.tag}` };
  } catch (error) {
    // The first model has nothing to beat: only value thresholds apply, and the report says so.
    if (error instanceof NoReleaseError) {
      host.info(`No mlgate release yet (tags ${options.tagPrefix}*): evaluating the candidate alone`);
      return undefined;
    }
    throw error;
  }
}

/** `artifact:<run id>/<artifact name>[/<path of the model in it>]`: a model uploaded by another workflow run. */
const ARTIFACT_BASELINE = /^artifact:(\d+)\/([^/]+)(?:\/(.+))?$/;
/** Models are larger than reports, but an artifact is still untrusted: bounded. */
const MODEL_ARTIFACT_LIMITS = { maxBytes: 2 * 1024 * 1024 * 1024, maxEntries: 1000 };

/** The baseline from an artifact of another run (e.g. the model the train workflow uploaded), unpacked with limits. */
async function artifactBaseline(
  env: ActionEnvironment,
  options: EvaluateOptions,
  runId: number,
  name: string,
  inside: string | undefined,
): Promise<{ path: string; name: string; source: string }> {
  const { context } = env;
  if (!options.token || !context.owner || !context.repo)
    throw new ConfigurationError(
      `${env.inputs.label('baseline')} ${options.baseline} needs a github-token (actions: read) and GITHUB_REPOSITORY`,
    );
  const client = await env.createClient(options.token);
  await checkBaselineRun(client, {
    owner: context.owner,
    repo: context.repo,
    runId,
    pullRequest: pullRequestHead(context.payload),
    label: `${env.inputs.label('baseline')} ${options.baseline}`,
  });
  const bytes = await downloadRunArtifact(client, {
    owner: context.owner,
    repo: context.repo,
    runId,
    name,
    maxBytes: MODEL_ARTIFACT_LIMITS.maxBytes,
  });
  const label = `artifact ${name} of run ${runId}`;
  const entries = unpackArchive(bytes, label, {
    ...MODEL_ARTIFACT_LIMITS,
    keep: (path) => (inside ? path === inside : path.endsWith('.onnx')),
  });
  if (entries.size !== 1) {
    throw new ConfigurationError(
      inside
        ? `${label} has no file ${inside}`
        : `${label} holds ${entries.size} .onnx files; name the one to use: artifact:${runId}/${name}/<path>`,
    );
  }
  const [path] = [...entries.keys()];
  const folder = join(context.runnerTemp ?? tmpdir(), `mlgate-baseline-${runId}`);
  await writeArchiveEntries(entries, folder);
  env.host.info(`Baseline: ${path} from ${label}`);
  return { path: join(folder, path!), name: `${label}/${path}`, source: label };
}

/** The pull request this run belongs to, from its event payload (pull_request and pull_request_target events). */
// biome-ignore lint/suspicious/noExplicitAny: see GitHubContext.payload.
function pullRequestHead(payload: Record<string, any>): PullRequestHead | undefined {
  const pull = payload.pull_request as
    | { number?: unknown; head?: { ref?: unknown; repo?: { full_name?: unknown } | null } }
    | undefined;
  const [number, ref, repository] = [pull?.number, pull?.head?.ref, pull?.head?.repo?.full_name];
  return typeof number === 'number' && typeof ref === 'string' && typeof repository === 'string'
    ? { number, ref, repository }
    : undefined;
}

/** Classification when the model outputs several scores, integer labels, or declares its classes. */
function detectTask(
  output: { width: number; integer: boolean },
  metadata: Record<string, string>,
  data: EvaluationData,
): 'classification' | 'regression' {
  if (output.integer || output.width > 1 || metadata['mlgate.classes']) return 'classification';
  // One float output: a probability when every label is 0 or 1, a regression value otherwise.
  const binary = data.label.numbers.every((v) => v === 0 || v === 1);
  return binary ? 'classification' : 'regression';
}

/** Inference latency per batch and per row, and the model's size: metrics a gate can hold down. */
function addCostMetrics(metrics: Metrics, model: PartialModel): void {
  const sorted = Float64Array.from(model.batch_ms).sort();
  const quantile = (q: number) => latencyQuantile(sorted, q);
  const totalRows = model.batch_rows.reduce((a, b) => a + b, 0);
  metrics.latency_p50_ms = { value: quantile(0.5) };
  metrics.latency_p95_ms = { value: quantile(0.95) };
  metrics.latency_per_row_us = {
    value: totalRows > 0 ? (model.batch_ms.reduce((a, b) => a + b, 0) * 1000) / totalRows : null,
  };
  metrics.model_bytes = { value: model.bytes };
}

function costComparisons(
  candidate: Metrics,
  baseline: Metrics | null,
  times: readonly (PartialModel | null | undefined)[],
): MetricComparison[] {
  const quantiles: Record<string, number> = { latency_p50_ms: 0.5, latency_p95_ms: 0.95 };
  return ['latency_p50_ms', 'latency_p95_ms', 'latency_per_row_us', 'model_bytes'].map((metric) => {
    const c = candidate[metric]?.value ?? null;
    const b = baseline?.[metric]?.value ?? null;
    const comparison: MetricComparison = {
      metric,
      slice: null,
      higher_is_better: false,
      baseline: b,
      candidate: c,
      difference: c !== null && b !== null ? c - b : null,
    };
    const q = quantiles[metric];
    const [ct, bt] = times;
    const interval =
      q !== undefined && c !== null && b !== null && ct && bt
        ? latencyChangeInterval(ct.batch_ms, bt.batch_ms, q)
        : null;
    return interval
      ? {
          ...comparison,
          ci_low: interval.low,
          ci_high: interval.high,
          significant: interval.low > 0 || interval.high < 0,
        }
      : comparison;
  });
}

/** The gate policy: the default, or the policy file (on a pull request, as it is at the base commit). */
async function loadPolicy(
  env: ActionEnvironment,
  options: EvaluateOptions,
  task: 'classification' | 'regression',
): Promise<{ policy: GatePolicy; origin?: RulesFile }> {
  if (!options.policy) return { policy: defaultPolicy(task) };
  const loaded = await readRulesFile(env, {
    input: 'policy',
    path: options.policy,
    rulesFrom: options.rulesFrom,
    token: options.token,
    kind: 'policy',
  });
  if (loaded.text === undefined)
    throw new ConfigurationError(`${options.policy}: policy file not found; check ${env.inputs.label('policy')}`, {
      file: options.policy,
    });
  return {
    policy: parsePolicy(parseYamlConfig(loaded.text, loaded.name).value, loaded.name, HIGHER_IS_BETTER),
    origin: loaded.record,
  };
}

/** The override label on the pull request, and who applied it when this run was triggered by labelling. */
function overrideContext(env: ActionEnvironment, options: EvaluateOptions): GateContext {
  const { payload } = env.context;
  const labels: { name?: string }[] = payload.pull_request?.labels ?? [];
  if (!options.overrideLabel || !labels.some((l) => l.name === options.overrideLabel)) return {};
  const appliedBy =
    payload.action === 'labeled' && payload.label?.name === options.overrideLabel ? payload.sender?.login : undefined;
  return { override: { label: options.overrideLabel, ...(appliedBy ? { applied_by: String(appliedBy) } : {}) } };
}

async function reportResults(env: ActionEnvironment, options: EvaluateOptions, report: EvalReport): Promise<void> {
  const { host } = env;
  const values = Object.fromEntries(Object.entries(report.candidate.metrics).map(([n, m]) => [n, m.value]));
  host.setOutput('passed', report.gate.passed);
  host.setOutput('report', options.report);
  host.setOutput('metrics', JSON.stringify(values));
  const headline = report.comparisons.filter((c) => !c.metric.startsWith('latency') && c.metric !== 'model_bytes');
  const fmt = (v: number | null | undefined) => (v == null ? 'n/a' : Number(v.toPrecision(4)).toString());
  host.print(
    [
      `${report.gate.passed ? (report.gate.override ? '✓ gate overridden' : '✓ gate passed') : '✗ gate failed'}: ${basename(report.candidate.path)} on ${report.data?.rows} rows${report.data?.shards ? ` (${report.data.shards} shards)` : ''}${report.baseline ? ` against ${report.baseline.source}` : ', no baseline'}`,
      ...headline.map((c) => {
        const bound = report.candidate.metrics[c.metric]?.bound;
        return `  ${c.metric.padEnd(20)} ${fmt(c.candidate).padStart(10)}${bound ? ` ±${fmt(bound)}` : ''}${c.baseline !== null ? `  baseline ${fmt(c.baseline).padStart(10)}  change ${fmt(c.difference)}${c.ci_low != null ? ` [${fmt(c.ci_low)}, ${fmt(c.ci_high)}]${c.significant ? ' significant' : ''}` : ''}` : ''}`;
      }),
      ...(headline.some((c) => report.candidate.metrics[c.metric]?.bound)
        ? ["  (± the most a rank metric merged from the shards' score histograms can differ from the exact value)"]
        : []),
      ...report.gate.checks.filter((c) => !c.passed).map((c) => `  ✗ ${c.reason}`),
      `report  ${options.report}`,
    ].join('\n'),
  );
  if (host.isAction)
    await host.writeSummary(
      renderReport([renderEvaluationSection(report, options.report)], {
        limit: SUMMARY_LIMIT_BYTES,
        measure: (t) => Buffer.byteLength(t),
      }).markdown,
    );
  const failed = report.gate.checks.filter((c) => !c.passed);
  if (!report.gate.passed && options.failOnGate)
    host.fail(`The evaluation gate failed: ${failed.map((c) => c.reason).join('; ')}`);
}
