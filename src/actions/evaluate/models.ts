import { resolve } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import type { PartialModel } from '../../core/documents.js';
import type { ScoringTimes } from '../../io/onnx/batch-scorer.js';
import type { loadOnnxruntime } from '../../io/onnx/load-onnxruntime.js';
import { metadataList, openModel, type OnnxModel } from '../../io/onnx/onnx-model.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { baselinePath } from './baseline.js';
import type { EvaluateOptions } from './inputs.js';

/** A model to score, opened, with where it came from. */
export interface OpenedModel {
  model: OnnxModel;
  path: string;
  source: string;
  features: string[];
}

/** A scored model's identity and its timed calls (see timeModels). */
export function modelFacts(opened: OpenedModel, path: string, times: ScoringTimes): PartialModel {
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
 * Opens a model to score, with the features it takes: its inputs' names for a model with one input per column, else
 * the features input, its metadata mlgate.features or `fallbackFeatures`, checked against its input width.
 */
async function openEvaluatedModel(
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

/**
 * The candidate and, unless there is none, the baseline, opened. A model that does not name its features takes the
 * contract's columns; the baseline then the candidate's.
 */
export async function openModels(
  env: ActionEnvironment,
  options: EvaluateOptions,
  ort: Awaited<ReturnType<typeof loadOnnxruntime>>,
  contractFeatures: string[] | undefined,
): Promise<{ candidate: OpenedModel; baseline: OpenedModel | undefined }> {
  const candidate = await openEvaluatedModel(
    env,
    options,
    ort,
    resolve(env.cwd, options.model),
    options.model,
    options.model,
    contractFeatures,
  );
  try {
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
    return { candidate, baseline };
  } catch (error) {
    // The caller releases what it was given: a baseline that could not be had leaves the candidate to release here.
    await candidate.model.release();
    throw error;
  }
}
