import type { PermutationImportanceReport } from '../../core/documents.js';
import { gatherColumns } from '../../core/data/typed-arrays.js';
import { DataError } from '../../core/errors.js';
import { readPredictions, type RawOutput } from '../../core/evaluate/model-output.js';
import {
  accuracyScore,
  computePermutationImportance,
  importanceReport,
  permuteColumn,
  r2Score,
  restoreColumn,
  seededOrders,
} from '../../core/evaluate/permutation-importance.js';
import type { RowReservoir } from '../../core/evaluate/row-reservoir.js';
import type { OutputTensor } from '../../io/onnx/onnx-model.js';
import type { EvaluationData } from '../../io/read-evaluation-data.js';
import type { ActionEnvironment } from '../runtime/host.js';
import type { EvaluateOptions } from './inputs.js';
import type { OpenedModel } from './models.js';
import type { ReadRows } from './scored-rows.js';

/**
 * Both models' permutation importance on the rows the reservoir kept as the data was read (see
 * computePermutationImportance), run here once the scoring is done, on this thread's sessions of the models, in calls
 * of at most `batch-size` rows; and a line in the log saying what it took. Undefined when no row was read.
 */
export async function measureImportance(
  env: ActionEnvironment,
  options: EvaluateOptions,
  models: readonly OpenedModel[],
  features: readonly string[],
  read: ReadRows,
  data: EvaluationData,
  reservoir: RowReservoir,
): Promise<PermutationImportanceReport | undefined> {
  const { repeats } = options.permutationImportance!;
  const sample = reservoir.sample();
  const { rows, ids } = sample;
  if (rows === 0) return undefined;
  const began = Date.now();
  const width = features.length;
  const { task, classes } = read;
  const truth = task === 'classification' ? new Int32Array(rows) : new Float64Array(rows);
  for (let r = 0; r < rows; r++) truth[r] = read.rows.truth[ids[r]!]!;
  // The permuted copy: one column at a time differs from the sample, and is put back after.
  const work = sample.features.slice();
  const scored = models.map((m, i) => {
    const columns = m.features.map((f) => features.indexOf(f));
    const prediction = read.rows.predictions[i]!;
    return {
      model: m,
      columns,
      takes: new Set(columns),
      own:
        columns.length === width && columns.every((c, j) => c === j)
          ? undefined
          : new (work instanceof Float64Array ? Float64Array : Float32Array)(rows * columns.length),
      // The output read as the scoring read it: the kind it settled on (probabilities, logits, labels) is not
      // guessed again from the values of shuffled rows.
      kind: prediction.kind,
    };
  });
  const scoreModel = async (m: (typeof scored)[number], shuffled: string | undefined): Promise<number> => {
    const input = m.own ? gatherColumns(work, rows, width, m.columns, m.own) : work;
    const raw = await modelOutput(m.model, input, rows, m.columns.length, options.batchSize);
    const describeRow = (r: number) =>
      `row ${data.locate(ids[r]!)} of the permutation-importance sample${shuffled ? ` (${shuffled} shuffled)` : ''}`;
    let predictions: ReturnType<typeof readPredictions>;
    try {
      predictions = readPredictions(raw, task, classes.length, m.kind, describeRow);
    } catch (error) {
      (error as Error).message = `${m.model.source}: ${(error as Error).message}`;
      throw error;
    }
    return predictions.task === 'classification'
      ? accuracyScore(truth, predictions.predicted)
      : r2Score(truth, predictions.values);
  };
  const measured = await computePermutationImportance(
    { features: width, repeats, orders: seededOrders(rows, options.seed) },
    async (permuted) => {
      const scores: (number | undefined)[] = [];
      // One model after the other, as the scoring and the latency run them: never two sessions at once.
      if (!permuted) {
        for (const m of scored) scores.push(await scoreModel(m, undefined));
        return scores;
      }
      const { feature, order } = permuted;
      permuteColumn(sample.features, width, feature, order, work);
      for (const m of scored) scores.push(m.takes.has(feature) ? await scoreModel(m, features[feature]) : undefined);
      restoreColumn(sample.features, width, feature, work);
      return scores;
    },
  );
  env.host.info(
    `Permutation importance (in ${((Date.now() - began) / 1000).toFixed(2)} s): ${rows} sampled rows, ${width} ${width === 1 ? 'feature' : 'features'} × ${repeats} ${repeats === 1 ? 'repeat' : 'repeats'}, ${models.length === 1 ? 'the candidate' : 'both models on the same shuffles'}`,
  );
  return importanceReport({ features, rows, repeats, seed: options.seed }, task, measured);
}

/** A model's outputs for `rows` rows of `input`, in calls of at most `batch` rows, as one raw output. */
async function modelOutput(
  opened: OpenedModel,
  input: Float32Array | Float64Array,
  rows: number,
  columns: number,
  batch: number,
): Promise<RawOutput> {
  let data: Float32Array | Float64Array | Int32Array | undefined;
  let width = 1;
  let integer = false;
  for (let from = 0; from < rows; from += batch) {
    const count = Math.min(batch, rows - from);
    const value: OutputTensor = await opened.model.run(
      input.subarray(from * columns, (from + count) * columns),
      count,
      columns,
    );
    if (!data) {
      width = value.dims.length >= 2 ? value.dims.slice(1).reduce((a, b) => a * b, 1) : 1;
      integer = !value.type.startsWith('float');
      data = integer
        ? new Int32Array(rows * width)
        : value.type === 'float64'
          ? new Float64Array(rows * width)
          : new Float32Array(rows * width);
    }
    if (value.data.length !== count * width)
      throw new DataError(
        `${opened.source}: the output ${opened.model.facts.outputName} has ${value.data.length} values for ${count} rows; mlgate expects [rows, classes] or [rows]`,
        { file: opened.source },
      );
    const at = from * width;
    for (let i = 0; i < value.data.length; i++) data[at + i] = Number(value.data[i]);
  }
  return { data: data!, width, integer };
}
