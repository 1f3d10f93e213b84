import type { Predictions } from '../../core/evaluate/model-output.js';
import { numericSearchColumn, searchColumnOf } from '../../core/evaluate/slices.js';
import {
  pairedRowsOf,
  searchCells,
  WEAK_SLICE_ALPHA,
  weakSlicesOf,
  type SearchColumn,
  type WeakSliceSearch,
} from '../../core/evaluate/weak-slices.js';
import type { EvaluationData, EvaluationReadOptions } from '../../io/read-evaluation-data.js';
import type { DatasetFile } from '../../io/readers/dataset.js';
import type { ReadSettings } from '../../io/readers/read-settings.js';
import { sniffNumericColumns } from '../../io/sniff-types.js';
import type { EvaluateOptions } from './inputs.js';

/**
 * What the weak-slice search reads besides the slices (unsharded, with a baseline): every other column, each as its
 * first rows suggest (numbers only, or text only: reading text both ways costs a string per cell), and the features.
 */
export async function weakSliceReads(
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
export function searchWeakSlices(
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
