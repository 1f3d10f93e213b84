import type { ColumnType } from '../data/batch.js';

const BOOLEAN_TEXTS = new Set(['true', 'false', 'yes', 'no', 't', 'f', 'y', 'n']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Text columns with at most this many distinct values (and repeats) are categories. */
export const MAX_CATEGORY_VALUES = 50;

/**
 * The type of a text column from its distinct values: bool when they are true/false words, datetime when every
 * one is an ISO 8601 date, category when there are few of them and they repeat, string otherwise.
 */
export function inferTextType(distinct: readonly string[], count: number): ColumnType {
  if (distinct.length === 0) return 'string';
  if (distinct.length <= 2 && distinct.every((t) => BOOLEAN_TEXTS.has(t.trim().toLowerCase()))) return 'bool';
  if (distinct.every((t) => ISO_DATE.test(t.trim()))) return 'datetime';
  if (distinct.length <= MAX_CATEGORY_VALUES && distinct.length * 2 <= count) return 'category';
  return 'string';
}
