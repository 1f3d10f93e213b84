import {
  INVALID,
  NULL,
  VALUE,
  type ColumnData,
  type DecodeAs,
  type TextDictionary,
  type WritableColumnData,
} from '../../core/data/batch.js';
import type { DecodedColumn } from './parquet-column-chunk.js';
import { columnFromValues } from './value-columns.js';

/**
 * Rows [from, to) of a decoded Parquet column as the batch column the reference path makes of the same values
 * (columnFromValues), without a JavaScript value per row where the column's kind is what the contract reads:
 * numbers, instants and booleans are the decoded arrays themselves; text maps each table entry to the column's
 * dictionary once, in the order the rows first use them (the order in which the reference meets them), into
 * `idsInto` when given. Other pairs (a contract that reads a column as a type it is not) take the reference path on
 * the rows' values.
 */
export function columnFromDecoded(
  name: string,
  decodeAs: DecodeAs,
  decoded: DecodedColumn,
  dictionary: TextDictionary | undefined,
  from: number,
  to: number,
  idsInto?: Int32Array,
): ColumnData {
  const length = to - from;
  if (decoded.kind === 'values')
    return columnFromValues(name, decodeAs, decoded.values.slice(from, to), dictionary, length);
  const status = decoded.status.subarray(from, to);
  if (decoded.kind === 'text') {
    if (decodeAs !== 'text' && decodeAs !== 'auto')
      return columnFromValues(name, decodeAs, textValues(decoded, from, to), dictionary, length);
    const ids = textIds(decoded, dictionary!, from, to, idsInto);
    const column: WritableColumnData = { name, decodeAs, status, ids, dictionary, invalidText: new Map() };
    if (decodeAs === 'auto') {
      // Text is not a number: every value is kept as text beside a NaN, as the reference does.
      column.status = Uint8Array.from(status, (s) => (s === NULL ? NULL : INVALID));
      column.numbers = new Float64Array(length).fill(Number.NaN);
    }
    return column;
  }
  const reads =
    decodeAs === 'number' ? 'number' : decodeAs === 'datetime' ? 'instant' : decodeAs === 'bool' ? 'bool' : undefined;
  if (reads === decoded.kind)
    return { name, decodeAs, status, numbers: decoded.numbers.subarray(from, to), invalidText: new Map() };
  if (decodeAs === 'auto' || decodeAs === 'text')
    return numbersAsText(name, decodeAs, decoded.kind, decoded.numbers.subarray(from, to), status, dictionary!);
  return columnFromValues(name, decodeAs, numberValues(decoded, from, to), dictionary, length);
}

/** The dictionary ids of rows [from, to) of a text column, each table entry looked up once. */
function textIds(
  decoded: Extract<DecodedColumn, { kind: 'text' }>,
  dictionary: TextDictionary,
  from: number,
  to: number,
  into?: Int32Array,
): Int32Array {
  const { entries, table } = decoded;
  const ids = into && into.length >= to - from ? into.subarray(0, to - from) : new Int32Array(to - from);
  const known = new Int32Array(table.size).fill(-1);
  const decode = (bytes: Uint8Array, start: number, end: number) => DECODER.decode(bytes.subarray(start, end));
  for (let r = from; r < to; r++) {
    const entry = entries[r]!;
    if (entry < 0) {
      ids[r - from] = -1;
      continue;
    }
    let id = known[entry]!;
    if (id < 0)
      id = known[entry] = dictionary.idOfBytes(table.pool, table.starts[entry]!, table.starts[entry + 1]!, decode);
    ids[r - from] = id;
  }
  return ids;
}

/**
 * A column of numbers, instants or booleans read as `auto` or `text`: each value's text as the reference writes it
 * (String of the number, the Date's ISO form, true or false), made once per distinct value. Read as `auto`, numbers
 * keep their numbers; instants and booleans are not numbers to `auto`, as in the reference (a NaN, kept as text).
 */
function numbersAsText(
  name: string,
  decodeAs: 'auto' | 'text',
  kind: 'number' | 'bool' | 'instant',
  numbers: Float64Array,
  status: Uint8Array,
  dictionary: TextDictionary,
): ColumnData {
  const ids = new Int32Array(numbers.length);
  const seen = new Map<number, number>();
  const textOf =
    kind === 'number'
      ? String
      : kind === 'bool'
        ? (n: number) => String(n === 1)
        : (n: number) => new Date(n).toISOString();
  for (let r = 0; r < numbers.length; r++) {
    if (status[r] !== VALUE) {
      ids[r] = -1;
      continue;
    }
    const value = numbers[r]!;
    let id = seen.get(value);
    if (id === undefined) seen.set(value, (id = dictionary.idOf(textOf(value))));
    ids[r] = id;
  }
  const column: WritableColumnData = { name, decodeAs, status, ids, dictionary, invalidText: new Map() };
  if (decodeAs === 'auto' && kind === 'number') column.numbers = numbers;
  else if (decodeAs === 'auto') {
    column.status = Uint8Array.from(status, (s) => (s === NULL ? NULL : INVALID));
    column.numbers = new Float64Array(numbers.length).fill(Number.NaN);
  }
  return column;
}

const DECODER = new TextDecoder();

function textValues(decoded: Extract<DecodedColumn, { kind: 'text' }>, from: number, to: number): (string | null)[] {
  const texts = new Map<number, string>();
  const { entries, table } = decoded;
  return Array.from({ length: to - from }, (_, i) => {
    const entry = entries[from + i]!;
    if (entry < 0) return null;
    let text = texts.get(entry);
    if (text === undefined)
      texts.set(entry, (text = DECODER.decode(table.pool.subarray(table.starts[entry]!, table.starts[entry + 1]!))));
    return text;
  });
}

/** Rows' values as the reference reader gives them: numbers, booleans, Dates, null. */
function numberValues(
  decoded: Extract<DecodedColumn, { kind: 'number' | 'bool' | 'instant' }>,
  from: number,
  to: number,
): unknown[] {
  const { numbers, status } = decoded;
  return Array.from({ length: to - from }, (_, i) => {
    if (status[from + i] === NULL) return null;
    const n = numbers[from + i]!;
    return decoded.kind === 'bool' ? n === 1 : decoded.kind === 'instant' ? new Date(n) : n;
  });
}
