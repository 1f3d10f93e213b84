import type { PartialEvaluation, PartialEvaluationState, PartialModel } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import { compareFromState } from '../../core/evaluate/compare-models.js';
import { mergeEvaluationStates, type EvaluationState } from '../../core/evaluate/evaluation-state.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { mergeSliceStates } from '../../core/evaluate/slices.js';
import { decodeFloat64, readPartials } from '../../io/partial-documents.js';
import type { ActionEnvironment } from '../runtime/host.js';
import type { EvaluateOptions } from './inputs.js';
import type { Scored } from './run.js';
import { WEAK_SLICE_ALPHA, weakSlicesOf, type SliceCell } from '../../core/evaluate/weak-slices.js';

function decodeEvaluationState(state: PartialEvaluationState, source: string, buckets = BOOTSTRAP_BUCKETS): EvaluationState {
  const { values, ...layout } = state.sums;
  const sums = decodeFloat64(values, source);
  if (sums.length !== buckets * layout.stride) throw new ConfigurationError(`${source}: the bootstrap sums hold ${sums.length} numbers, not ${buckets} buckets × ${layout.stride}; the partial report is damaged or from another mlgate version`, { file: source });
  return { rows: state.rows, sums: { ...layout, sums }, ranking: state.ranking, calibration: state.calibration, disagreements: state.disagreements };
}

/**
 * The evaluation of the whole data from the partial reports of its shards: their states added (bucket sums,
 * histograms, calibration bins, disagreements), then the metrics, intervals and McNemar's test as one run
 * computes them; ROC AUC and PR AUC come with the bound of their binned estimate. The inference times of the
 * shards pool into one latency distribution.
 */
export async function mergeEvaluation(env: ActionEnvironment, options: EvaluateOptions, patterns: readonly string[], createdAt: string): Promise<Scored> {
  const partials = await readPartials(patterns, env.cwd, 'evaluate', env.inputs.label('merge'));
  const evaluations = partials.map((p) => p.document.evaluation!);
  const first = evaluations[0]!;
  partials.forEach(({ source }, i) => {
    const e = evaluations[i]!;
    if (e.task !== first.task) throw new ConfigurationError(`${source}: the shard judged the task ${e.task}, but ${partials[0]!.source} ${first.task}; set task so that every shard reads the outputs alike`, { file: source });
    if (e.classes.join('\u0000') !== first.classes.join('\u0000')) {
      throw new ConfigurationError(`${source}: the shard's classes (${e.classes.join(', ')}) differ from ${partials[0]!.source}'s (${first.classes.join(', ')}), as labels differ between shards; set classes (or the model's mlgate.classes) so that every shard maps labels alike`, { file: source });
    }
  });
  const state = mergeEvaluationStates(partials.map((p, i) => decodeEvaluationState(evaluations[i]!.state, p.source)));
  const compared = compareFromState(state, { replicates: options.bootstrap, seed: options.seed, bucketCount: BOOTSTRAP_BUCKETS });
  // Slices: each column's values merged across shards, then cut as one run cuts them (one bucket each: no bootstrap).
  const sliceColumns = first.slices?.map((s) => s.column) ?? [];
  const cells: SliceCell[] = [];
  const slices = sliceColumns.flatMap((column) => {
    const perShard = partials.map(({ source }, i) => (evaluations[i]!.slices?.find((s) => s.column === column)?.values ?? []).map((v) => ({ ...v, state: decodeEvaluationState(v.state, source, 1) })));
    return mergeSliceStates(column, perShard, first.baseline !== null, options.minSliceRows, cells);
  });
  // Shards carry the slice columns' states only: the search of a sharded run covers those columns (classifiers).
  const searched = options.weakSlices && first.baseline !== null && first.task === 'classification' && sliceColumns.length > 0;
  const weakSlices = searched ? weakSlicesOf(cells, { task: first.task, minRows: options.minSliceRows, alpha: WEAK_SLICE_ALPHA, columns: sliceColumns, pairs: false }) : undefined;
  const pool = (pick: (e: PartialEvaluation) => PartialModel | null): PartialModel | null => {
    const models = evaluations.map(pick);
    if (!models[0]) return null;
    return { ...models[0], batch_ms: models.flatMap((m) => m!.batch_ms), batch_rows: models.flatMap((m) => m!.batch_rows) };
  };
  // A file's digest is in the partial of the shard that read it whole, if one did (files split by position are not hashed).
  const files = partials[0]!.document.files.map((file) => ({ ...file, ...partials.map((p) => p.document.files.find((f) => f.path === file.path && f.sha256)).find(Boolean) }));
  env.host.info(`Merged ${partials.length} shards: ${state.rows} rows`);
  return {
    createdAt,
    task: first.task,
    data: { files, rows: state.rows, label: first.label, ...(files.length === 1 && files[0]!.sha256 ? { sha256: files[0]!.sha256 } : {}), shards: partials.length },
    candidate: pool((e) => e.candidate)!,
    baseline: pool((e) => e.baseline),
    compared,
    slices,
    classes: first.classes,
    ...(weakSlices ? { weakSlices } : {}),
  };
}
