import { NULL, type ColumnType } from '../data/batch.js';
import { parseBoolText, parseDatetimeText } from '../data/cell-text.js';
import type { DeferredArray } from '../data/deferred-array.js';
import { EMPTY_NUMBERS, type ColumnState } from './column-tallies.js';
import { sampleNumbers, type SampleValue } from './profile.js';

/**
 * A column's sampled values read from the builder's per-slot arrays in sample order (`order`: slots by priority), a
 * range at a time: as JS values, or as numbers and text ids in typed memory for the document writer (see
 * DeferredArray).
 */

/** Sampled values [start, end) of a column read as numbers, in sample order, NaN for null, into `into`. */
export function sampledNumbers(
  state: ColumnState,
  order: Int32Array,
  start: number,
  end: number,
  into: Float64Array,
): Float64Array {
  const { sampleStatus: status, sampleNumbers: values } = state;
  for (let i = start; i < end; i++) {
    const slot = order[i]!;
    into[i - start] = status[slot] === NULL ? Number.NaN : values[slot]!;
  }
  return into.subarray(0, end - start);
}

/** Sampled values [start, end) of a text column, in sample order, as dictionary ids, -1 for null, into `into`. */
export function sampledIds(
  state: ColumnState,
  order: Int32Array,
  start: number,
  end: number,
  into: Int32Array,
): Int32Array {
  const { sampleStatus: status, sampleIds: ids } = state;
  for (let i = start; i < end; i++) {
    const slot = order[i]!;
    into[i - start] = status[slot] === NULL ? -1 : ids[slot]!;
  }
  return into.subarray(0, end - start);
}

/**
 * The column's sampled values [start, end) in sample order: one loop per kind of column over typed arrays, as this
 * runs for every column of every profile.
 */
export function sampleValues(
  state: ColumnState,
  order: Int32Array,
  type: ColumnType,
  numeric: boolean,
  start: number,
  end: number,
  into?: SampleValue[],
): SampleValue[] {
  const { sampleStatus: status, sampleNumbers: values, sampleIds: ids } = state;
  // Sized once and filled in place: pushing grew each array through a series of copies, all garbage.
  const sample: SampleValue[] = into ?? new Array<SampleValue>(Math.max(0, end - start));
  sample.length = Math.max(0, end - start);
  if (state.decodeAs === 'auto' && (type === 'bool' || type === 'datetime')) {
    for (let i = start; i < end; i++)
      sample[i - start] = status[order[i]!] === NULL ? null : parsedSampleValue(state, order[i]!, type);
  } else if (type === 'bool') {
    for (let i = start; i < end; i++) {
      const slot = order[i]!;
      const n = values[slot]!;
      sample[i - start] = status[slot] === NULL || Number.isNaN(n) ? null : n === 1;
    }
  } else if (numeric) {
    for (let i = start; i < end; i++) {
      const slot = order[i]!;
      const n = values[slot]!;
      sample[i - start] = status[slot] === NULL || Number.isNaN(n) ? null : n;
    }
  } else {
    const texts = state.dictionary?.values ?? [];
    for (let i = start; i < end; i++) {
      const slot = order[i]!;
      const id = ids[slot]!;
      sample[i - start] = status[slot] === NULL || id < 0 ? null : texts[id]!;
    }
  }
  return sample;
}

/** A sampled value of a column read as text but typed bool or datetime by inference. */
function parsedSampleValue(state: ColumnState, slot: number, type: ColumnType): SampleValue {
  const id = state.sampleIds[slot]!;
  if (id < 0) return null;
  const parsed = (type === 'bool' ? parseBoolText : parseDatetimeText)(state.dictionary!.values[id]!);
  return Number.isNaN(parsed) ? null : type === 'bool' ? parsed === 1 : parsed;
}

/** The sample's priorities in sample order, built a range at a time (see DeferredArray). */
export function orderedPriorities(priorities: Float64Array, order: Int32Array): DeferredArray<SampleValue> {
  const numbers = (start: number, end: number, into: Float64Array) => {
    const stop = Math.min(end, order.length);
    for (let i = start; i < stop; i++) into[i - start] = priorities[order[i]!]!;
    return into.subarray(0, Math.max(0, stop - start));
  };
  return {
    length: order.length,
    numbers,
    slice: (start, end) =>
      Array.from(numbers(start, end, new Float64Array(Math.max(0, Math.min(end, order.length) - start)))),
  };
}

/**
 * The column's sampled numbers in no particular order, for its histogram and quantiles; nulls and values that are
 * not numbers are left out. `inPlace` (for finishSorted, after which the builder's arrays are never read) moves them
 * to the front of the builder's own array instead of a new one: on every row of a million, the new arrays of one
 * file, while the old were not yet collected, held some 130 MB more.
 */
export function sampledNumberSet(
  state: ColumnState,
  order: Int32Array,
  type: ColumnType,
  numeric: boolean,
  inPlace = false,
): Float64Array {
  if (!numeric || type === 'bool') return EMPTY_NUMBERS;
  if (state.decodeAs === 'auto' && type === 'datetime')
    return sampleNumbers(sampleValues(state, order, type, numeric, 0, order.length));
  // Histograms and quantiles do not depend on the order: the slots are read as they lie, not in sample order.
  const { sampleStatus: status, sampleNumbers: values } = state;
  // Writing slot `count` after reading slot `slot` >= count leaves every slot still to read as it was.
  const numbers = inPlace && values.length >= order.length ? values : new Float64Array(order.length);
  let count = 0;
  for (let slot = 0; slot < order.length; slot++) {
    const n = values[slot]!;
    if (status[slot] !== NULL && !Number.isNaN(n)) numbers[count++] = n;
  }
  return numbers.subarray(0, count);
}
