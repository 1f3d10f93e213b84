import { resolve } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import type { ModelOutputs } from '../../core/drift/prediction-drift.js';
import { readPredictions } from '../../core/evaluate/model-output.js';
import { BOOTSTRAP_BUCKETS } from '../../core/evaluate/poisson-bootstrap.js';
import { loadOnnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { readWhileScoring } from '../../io/onnx/batch-scorer.js';
import { metadataList, openModel } from '../../io/onnx/onnx-model.js';
import { startScoring } from '../../io/parallel/background-scoring.js';
import { readEvaluationData } from '../../io/read-evaluation-data.js';
import { resolveDataFiles } from '../../io/readers/dataset.js';
import type { ActionEnvironment } from '../runtime/host.js';
import type { DriftCheckOptions } from './inputs.js';

/**
 * The model's outputs on the reference data and on the current data, for prediction drift: predicted classes when
 * the model outputs several scores or integer labels, values when it outputs one number per row.
 */
export async function modelOutputs(
  env: ActionEnvironment,
  options: DriftCheckOptions,
): Promise<{ reference: ModelOutputs; current: ModelOutputs }> {
  const { context, host } = env;
  const ort = await loadOnnxruntime({
    path: options.onnxruntimePath ? resolve(env.cwd, options.onnxruntimePath) : undefined,
    cacheRoot: context.toolCache,
    registry: context.npmRegistry,
    logger: host,
  });
  const modelPath = resolve(env.cwd, options.model);
  const model = await openModel(ort, modelPath, options.model);
  try {
    const features = options.modelFeatures ?? metadataList(model.facts, 'mlgate.features');
    if (!features)
      throw new ConfigurationError(
        `${options.model} does not name its features (no metadata mlgate.features); set ${env.inputs.label('model-features')} to its input columns, in order`,
      );
    const outputsOf = async (patterns: string[], label: string): Promise<ModelOutputs> => {
      const files = await resolveDataFiles(patterns, env.cwd, options.read.format ?? 'auto', label);
      const scoring = await startScoring(
        ort,
        [{ model, path: modelPath, columns: features.map((_, i) => i) }],
        features.length,
        8192,
        files,
      );
      const { read: data, scored } = await readWhileScoring(scoring, (onFeatures) =>
        readEvaluationData(files, {
          features,
          onFeatures,
          sliceColumns: [],
          bucketCount: BOOTSTRAP_BUCKETS,
          settings: options.read,
        }),
      ).finally(() => scoring.close());
      const { output } = scored.models[0]!;
      if (!output.integer && output.width === 1) return { values: Float64Array.from(output.data) };
      // Integer outputs are class indices: as many classes as the largest says (a loop: a million rows do not spread).
      let k = output.width;
      if (output.integer) {
        k = 1;
        for (let i = 0; i < output.data.length; i++) k = Math.max(k, output.data[i]! + 1);
      }
      const classes = metadataList(model.facts, 'mlgate.classes') ?? Array.from({ length: k }, (_, i) => String(i));
      const predictions = readPredictions(
        output,
        'classification',
        Math.max(k, classes.length),
        'auto',
        (row) => `row ${data.locate(row)}`,
      );
      return { classes, predicted: predictions.task === 'classification' ? predictions.predicted : new Int32Array(0) };
    };
    return {
      reference: await outputsOf(options.reference, env.inputs.label('reference')),
      current: await outputsOf(options.current, env.inputs.label('current')),
    };
  } finally {
    await model.release();
  }
}
