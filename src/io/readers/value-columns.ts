import {
  INVALID,
  NULL,
  type ColumnData,
  type DecodeAs,
  type TextDictionary,
  type WritableColumnData,
} from '../../core/data/batch.js';
import { parseBoolText, parseDatetimeText } from '../../core/data/cell-text.js';

/**
 * A column of JavaScript values (from JSON Lines or Parquet) decoded like a delimited column: numbers stay numbers,
 * text is dictionary-encoded, and a value of the wrong kind is INVALID (a JSON string "3" is not a number).
 */
export function columnFromValues(
  name: string,
  decodeAs: DecodeAs,
  values: ArrayLike<unknown>,
  dictionary: TextDictionary | undefined,
  length = values.length,
): ColumnData {
  const status = new Uint8Array(length);
  const invalidText = new Map<number, string>();
  const column: WritableColumnData = { name, decodeAs, status, invalidText };
  const numeric = decodeAs !== 'text';
  const numbers = numeric ? new Float64Array(length) : undefined;
  const ids = decodeAs === 'text' || decodeAs === 'auto' ? new Int32Array(length) : undefined;
  for (let r = 0; r < length; r++) {
    let value = values[r];
    if (typeof value === 'bigint') value = Number(value);
    if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
      status[r] = NULL;
      if (numbers) numbers[r] = Number.NaN;
      if (ids) ids[r] = -1;
      continue;
    }
    if (numbers) {
      const parsed = toNumber(decodeAs, value);
      numbers[r] = parsed;
      if (Number.isNaN(parsed)) {
        status[r] = INVALID;
        if (decodeAs !== 'auto') invalidText.set(r, displayText(value));
      }
    }
    if (ids) ids[r] = dictionary!.idOf(displayText(value));
  }
  if (numbers) column.numbers = numbers;
  if (ids) {
    column.ids = ids;
    column.dictionary = dictionary;
  }
  return column;
}

function toNumber(decodeAs: DecodeAs, value: unknown): number {
  switch (decodeAs) {
    case 'number':
    case 'auto':
      return typeof value === 'number' ? value : value instanceof Date ? Number.NaN : Number.NaN;
    case 'bool':
      return typeof value === 'boolean' ? Number(value) : typeof value === 'string' ? parseBoolText(value) : Number.NaN;
    case 'datetime':
      return value instanceof Date
        ? value.getTime()
        : typeof value === 'string'
          ? parseDatetimeText(value)
          : Number.NaN;
    default:
      return Number.NaN;
  }
}

/** A value as text, for dictionaries and messages. */
export function displayText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
  return String(value);
}
