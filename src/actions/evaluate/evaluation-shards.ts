import type { PartialEvaluation, PartialModel } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import { compareFromState } from '../../core/evaluate/compare-models.js';
import { mergeEvaluationStates } from '../../core/evaluate/evaluation-state.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { mergeSliceStates } from '../../core/evaluate/slices.js';
import { WEAK_SLICE_ALPHA, weakSlicesOf, type SliceCell } from '../../core/evaluate/weak-slices.js';
import { decodeEvaluation, encodeEvaluation, type EvaluationShardState } from '../../io/partials/evaluation-payload.js';
import type { ShardedStepAdapter } from '../runtime/sharded-step.js';
import type { EvaluateOptions } from './inputs.js';
import type { Scored } from './report.js';

/** The options a merge of evaluate's shards reads: how the merged evaluation is bootstrapped and sliced. */
export type EvaluationMergeOptions = Pick<EvaluateOptions, 'bootstrap' | 'seed' | 'minSliceRows' | 'weakSlices'>;

/**
 * evaluate in shards: each shard scores its rows into an evaluation state (bucket sums, histograms, calibration bins,
 * disagreements; one per slice value); the merge adds the states up, then computes the metrics, intervals and
 * McNemar's test as one run computes them; ROC AUC and PR AUC come with the bound of their binned estimate. The
 * inference times of the shards pool into one latency distribution.
 */
export function evaluationShards(
  options: EvaluationMergeOptions,
): ShardedStepAdapter<'evaluate', EvaluationShardState, Scored> {
  return {
    step: 'evaluate',
    encode: (evaluation) => ({ evaluation: encodeEvaluation(evaluation) }),
    decode: ({ document, source }) => decodeEvaluation(document.evaluation!, source),
    agree: (partials) => {
      const first = partials[0]!.document.evaluation!;
      for (const { source, document } of partials) {
        const e = document.evaluation!;
        if (e.task !== first.task)
          throw new ConfigurationError(
            `${source}: the shard judged the task ${e.task}, but ${partials[0]!.source} ${first.task}; set task so that every shard reads the outputs alike`,
            { file: source },
          );
        if (e.classes.join('\u0000') !== first.classes.join('\u0000')) {
          throw new ConfigurationError(
            `${source}: the shard's classes (${e.classes.join(', ')}) differ from ${partials[0]!.source}'s (${first.classes.join(', ')}), as labels differ between shards; set classes (or the model's mlgate.classes) so that every shard maps labels alike`,
            { file: source },
          );
        }
      }
    },
    merge: (shards, { createdAt }) => {
      const evaluations = shards.map((s) => s.state());
      const first = evaluations[0]!;
      const state = mergeEvaluationStates(evaluations.map((e) => e.state));
      const compared = compareFromState(state, {
        replicates: options.bootstrap,
        seed: options.seed,
        bucketCount: BOOTSTRAP_BUCKETS,
      });
      // Slices: each column's values merged across shards, then cut as one run cuts them (one bucket each: no
      // bootstrap).
      const sliceColumns = first.slices.map((s) => s.column);
      const cells: SliceCell[] = [];
      const slices = sliceColumns.flatMap((column) => {
        const perShard = evaluations.map((e) => e.slices.find((s) => s.column === column)?.values ?? []);
        return mergeSliceStates(column, perShard, first.baseline !== null, options.minSliceRows, cells);
      });
      // Shards carry the slice columns' states only: the search of a sharded run covers those columns (classifiers).
      const searched =
        options.weakSlices && first.baseline !== null && first.task === 'classification' && sliceColumns.length > 0;
      const weakSlices = searched
        ? weakSlicesOf(cells, {
            task: first.task,
            minRows: options.minSliceRows,
            alpha: WEAK_SLICE_ALPHA,
            columns: sliceColumns,
            pairs: false,
          })
        : undefined;
      const pool = (
        pick: (e: Pick<PartialEvaluation, 'candidate' | 'baseline'>) => PartialModel | null,
      ): PartialModel | null => {
        const models = evaluations.map(pick);
        if (!models[0]) return null;
        return {
          ...models[0],
          batch_ms: models.flatMap((m) => m!.batch_ms),
          batch_rows: models.flatMap((m) => m!.batch_rows),
        };
      };
      // A file's digest is in the partial of the shard that read it whole, if one did (files split by position are not
      // hashed).
      const documents = shards.map((s) => s.document);
      const files = documents[0]!.files.map((file) => ({
        ...file,
        ...documents.map((d) => d.files.find((f) => f.path === file.path && f.sha256)).find(Boolean),
      }));
      return {
        createdAt,
        task: first.task,
        data: {
          files,
          rows: state.rows,
          label: first.label,
          ...(files.length === 1 && files[0]!.sha256 ? { sha256: files[0]!.sha256 } : {}),
          shards: shards.length,
        },
        candidate: pool((e) => e.candidate)!,
        baseline: pool((e) => e.baseline),
        compared,
        slices,
        classes: first.classes,
        ...(weakSlices ? { weakSlices } : {}),
      };
    },
    // The merge above always sets data.rows (a report of one run may leave it out).
    rows: (scored) => scored.data.rows ?? 0,
  };
}
