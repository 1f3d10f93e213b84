import type { ColumnType } from '../data/batch.js';
import { parseBoolText, parseDatetimeText } from '../data/cell-text.js';
import type { DeferredArray } from '../data/deferred-array.js';
import { sortValues } from '../stats/sort-values.js';
import { EMPTY_NUMBERS, type ColumnState } from './column-tallies.js';
import { inferTextType } from './infer-type.js';
import type { SortedDecimals } from './sorted-decimals.js';
import { emptyMoments, mergeMoments, sampleVariance, type Moments } from './moments.js';
import {
  histogramOf,
  histogramOfSorted,
  MAX_CATEGORIES,
  PROFILE_QUANTILES,
  selectQuantiles,
  sortedQuantiles,
  topCategories,
  type CategorySummary,
  type ColumnProfile,
  type SampleValue,
} from './profile.js';
import { sampledIds, sampledNumbers, sampledNumberSet, sampleValues } from './sampled-values.js';

/**
 * A column's profile from what the builder kept of it: its type (declared, or inferred for `auto`), counts, numeric
 * summary (histogram and quantiles from the sample; from none for a `part`, whose merge takes them afresh), category
 * counts, and its sampled values in sample order (`order`, slots by priority) a range at a time, with the writer's
 * typed fast paths where the column has them. `sorted` (see ProfileBuilder.finishSorted) also sorts its sampled
 * numbers, using `scratch` as working memory, or takes them sorted already for the column's type (`sortedGiven`,
 * for a column kept apart from the row sample, see ColumnTallies.apart).
 */
export function finishColumn(
  state: ColumnState,
  order: Int32Array,
  part: boolean,
  sorted = false,
  scratch?: Uint32Array,
  sortedGiven?: (type: ColumnType) => Float64Array | SortedDecimals,
): { column: ColumnProfile; sample: DeferredArray<SampleValue>; sortedNumbers?: Float64Array } {
  const type = state.type ?? inferredType(state);
  const numeric = type === 'int' || type === 'float' || type === 'bool' || type === 'datetime';
  const numbers = sortedGiven?.(type) ?? (part ? EMPTY_NUMBERS : sampledNumberSet(state, order, type, numeric, sorted));
  if (sorted && !sortedGiven) sortValues(numbers as Float64Array, scratch);
  // Bool and datetime columns found by inference were read as text: their counts come from the texts.
  const fromNumbers = numeric && !(state.decodeAs === 'auto' && (type === 'bool' || type === 'datetime'));
  const valueCount = fromNumbers ? state.moments.count : countTexts(state);
  const profile: ColumnProfile = {
    name: state.name,
    type,
    count: valueCount,
    nulls: state.nulls,
    invalid: fromNumbers ? state.invalid + state.textual : state.invalid,
    ...(fromNumbers && state.infinite > 0 ? { infinite: state.infinite } : {}),
    sample: [],
  };
  const moments = fromNumbers ? state.moments : textMoments(state, type);
  if (numeric && moments.count > 0)
    profile.numeric = numericSummary(moments, fromNumbers ? state.integral : type === 'bool', numbers, sorted);
  // Texts typed bool or datetime by inference keep their counts: the datetime range is read from them.
  if (state.dictionary && (!numeric || type === 'bool' || (type === 'datetime' && state.decodeAs === 'auto')))
    profile.categories = categorySummary(state, valueCount);
  const sample: DeferredArray<SampleValue> = {
    length: order.length,
    slice: (start, end, into) => sampleValues(state, order, type, numeric, start, Math.min(end, order.length), into),
  };
  // What sampleValues gives numbers for (not bools, not datetimes found in text): the numbers, NaN for null.
  const numbersOnly = numeric && type !== 'bool' && !(state.decodeAs === 'auto' && type === 'datetime');
  if (numbersOnly && state.sampleNumbers.length >= order.length) {
    sample.numbers = (start, end, into) => sampledNumbers(state, order, start, Math.min(end, order.length), into);
  }
  // What sampleValues gives texts for: columns that are neither numeric nor read as numbers.
  if (!numeric && state.sampleIds.length >= order.length) {
    sample.ids = (start, end, into) => sampledIds(state, order, start, Math.min(end, order.length), into);
    sample.texts = state.dictionary?.values ?? [];
  }
  return {
    column: profile,
    sample,
    ...(sorted && numbersOnly && numbers instanceof Float64Array ? { sortedNumbers: numbers } : {}),
  };
}

/** The type of a column read as `auto`: numeric when every value parsed as a number, else from its texts. */
function inferredType(state: ColumnState): ColumnType {
  if (state.decodeAs !== 'auto')
    return state.decodeAs === 'number'
      ? state.integral
        ? 'int'
        : 'float'
      : state.decodeAs === 'bool'
        ? 'bool'
        : state.decodeAs === 'datetime'
          ? 'datetime'
          : 'string';
  if (state.textual === 0 && state.moments.count > 0) return state.integral ? 'int' : 'float';
  const texts = state.dictionary ? state.dictionary.values.filter((_, id) => (state.counts[id] ?? 0) > 0) : [];
  return inferTextType(texts, countTexts(state));
}

/** Moments of a column read as text and typed bool or datetime by inference: each distinct text parsed once. */
function textMoments(state: ColumnState, type: ColumnType): Moments {
  let moments = emptyMoments();
  const parse = type === 'bool' ? parseBoolText : parseDatetimeText;
  state.dictionary?.values.forEach((text, id) => {
    const count = state.counts[id] ?? 0;
    const value = parse(text);
    if (count > 0 && !Number.isNaN(value))
      moments = mergeMoments(moments, { count, mean: value, m2: 0, min: value, max: value });
  });
  return moments;
}

function countTexts(state: ColumnState): number {
  let total = 0;
  for (let i = 0; i < state.counts.length; i++) total += state.counts[i]!;
  return total;
}

function numericSummary(
  moments: Moments,
  integral: boolean,
  values: Float64Array | SortedDecimals,
  sorted: boolean,
): ColumnProfile['numeric'] {
  return {
    min: moments.min,
    max: moments.max,
    mean: moments.mean,
    m2: moments.m2,
    variance: sampleVariance(moments),
    integral,
    // Only sorted numbers come as decimals.
    histogram: sorted
      ? histogramOfSorted(values, moments.min, moments.max)
      : histogramOf(values as Float64Array, moments.min, moments.max),
    quantiles: sorted
      ? sortedQuantiles(values, PROFILE_QUANTILES)
      : selectQuantiles(values as Float64Array, PROFILE_QUANTILES),
  };
}

function categorySummary(state: ColumnState, total: number): CategorySummary {
  const { top, distinct } = topCategories(state.dictionary!.values, state.counts, MAX_CATEGORIES);
  const keptCount = top.reduce((sum, [, n]) => sum + n, 0);
  return { counts: top, distinct, other: Math.max(0, total - keptCount), truncated: distinct > MAX_CATEGORIES };
}
