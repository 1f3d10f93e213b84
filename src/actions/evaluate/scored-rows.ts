import { ConfigurationError } from '../../core/errors.js';
import { resolveClasses } from '../../core/evaluate/class-labels.js';
import { detectTask } from '../../core/evaluate/detect-task.js';
import type { ScoredRows } from '../../core/evaluate/evaluation-engine.js';
import { outputKindWarning, scoredPredictions, type Predictions } from '../../core/evaluate/model-output.js';
import type { ScoredModel } from '../../io/onnx/batch-scorer.js';
import { metadataList } from '../../io/onnx/onnx-model.js';
import type { EvaluationData } from '../../io/read-evaluation-data.js';
import type { ActionEnvironment } from '../runtime/host.js';
import type { EvaluateOptions } from './inputs.js';
import type { OpenedModel } from './models.js';

/** The rows as the task reads them: the labels as classes or values, and each model's predictions. */
export interface ReadRows {
  task: 'classification' | 'regression';
  /** Classification: the class names in output order; else empty. */
  classes: string[];
  rows: ScoredRows;
  /** Outputs that look read the wrong way (see outputKindWarning). */
  warnings: string[];
}

/**
 * The task (the input, or detected from the candidate's output and the labels), the labels read for it (classes
 * resolved from the input, the model's metadata or graph, or the labels themselves), and every model's outputs read
 * as its predictions.
 */
export function readScoredRows(
  env: ActionEnvironment,
  options: EvaluateOptions,
  models: readonly OpenedModel[],
  data: EvaluationData,
  runs: readonly ScoredModel[],
): ReadRows {
  const [candidate] = models;
  const candidateRun = runs[0]!;
  const { facts } = candidate!.model;
  const task =
    options.task !== 'auto' ? options.task : detectTask(candidateRun.output, facts.metadata, data.label.numbers);
  const declared = options.classes ?? metadataList(facts, 'mlgate.classes') ?? facts.classes;
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
    env.host.info(`Classes in output order: ${resolved.classes.join(', ')}`);
  } else {
    truth = data.label.numbers;
    const bad = truth.findIndex((v) => Number.isNaN(v));
    if (bad >= 0)
      throw new ConfigurationError(
        `${data.locate(bad)}: the label ${options.label} is not a number, so it cannot be a regression target; set task: classification if it is a class`,
      );
  }
  const describeRow = (row: number) => `row ${data.locate(row)}`;
  const predictions = runs.map((run, m): Predictions => {
    try {
      return scoredPredictions(run, task, k, options.output, describeRow);
    } catch (error) {
      (error as Error).message = `${models[m]!.source}: ${(error as Error).message}`;
      throw error;
    }
  });
  const warnings: string[] = [];
  if (task === 'classification') {
    runs.forEach((run, m) => {
      const warning = outputKindWarning(run.output, options.output, describeRow);
      if (warning) warnings.push(`${m === 0 ? 'candidate' : 'baseline'}: ${warning}`);
    });
  }
  return { task, classes, rows: { truth, predictions, buckets: data.buckets }, warnings };
}
