import { TextDictionary, VALUE, type ColumnData } from '../data/batch.js';
import type { FeatureDrift } from '../documents.js';
import { ProfileBuilder } from '../profile/profile-builder.js';
import type { Profile } from '../profile/profile.js';
import { detectDrift, type DriftOptions } from './detect-drift.js';
import { isColumnKind, isDriftTest } from './drift-tests.js';

/** A model's outputs on one dataset: predicted classes (by name), or regression values. */
export type ModelOutputs = { classes: readonly string[]; predicted: Int32Array } | { values: Float64Array };

/** The column name under which a model's outputs are compared. */
export const PREDICTION_COLUMN = 'prediction';

/**
 * Prediction drift: the distribution of a model's outputs on the reference data against the current data, tested
 * like any other feature (predicted classes as a categorical column, regression values as a numeric one) with the
 * same defaults, tests and thresholds. It is reported beside the features and does not count toward the share of
 * drifted features, since it follows from them.
 */
export function detectPredictionDrift(
  reference: ModelOutputs,
  current: ModelOutputs,
  options: DriftOptions,
): FeatureDrift {
  // Only the settings by kind and by test apply: the features' column names mean nothing to the model's outputs.
  const general = <T>(record: Readonly<Record<string, T>> | undefined, keep: (name: string) => boolean) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([name]) => keep(name) || name === PREDICTION_COLUMN));
  const own: DriftOptions = {
    ...options,
    columns: [PREDICTION_COLUMN],
    correction: 'none',
    label: undefined,
    ids: undefined,
    tests: general(options.tests, isColumnKind),
    thresholds: general(options.thresholds, isDriftTest),
  };
  const [feature] = detectDrift(
    outputProfile(reference, 'reference', options.createdAt),
    outputProfile(current, 'current', options.createdAt),
    own,
  ).features;
  return { ...feature!, kind: 'prediction' };
}

/** The profile of a model's outputs, as the profile of a dataset with one column. */
function outputProfile(outputs: ModelOutputs, source: string, createdAt: string): Profile {
  const builder = new ProfileBuilder({ createdAt });
  const rows = 'values' in outputs ? outputs.values.length : outputs.predicted.length;
  const status = new Uint8Array(rows).fill(VALUE);
  let column: ColumnData;
  if ('values' in outputs) {
    builder.declare(PREDICTION_COLUMN, 'number', 'float');
    column = { name: PREDICTION_COLUMN, decodeAs: 'number', status, numbers: outputs.values, invalidText: new Map() };
  } else {
    builder.declare(PREDICTION_COLUMN, 'text', 'category');
    const dictionary = new TextDictionary();
    const ids = outputs.classes.map((c) => dictionary.idOf(c));
    column = {
      name: PREDICTION_COLUMN,
      decodeAs: 'text',
      status,
      ids: Int32Array.from(outputs.predicted, (p) => ids[p]!),
      dictionary,
      invalidText: new Map(),
    };
  }
  builder.addBatch({
    file: source,
    rowIds: Float64Array.from({ length: rows }, (_, i) => i),
    length: rows,
    lines: Float64Array.from({ length: rows }, (_, i) => i + 2),
    columns: [column],
  });
  return builder.finish();
}
