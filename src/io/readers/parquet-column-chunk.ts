import type { ColumnMetaData, SchemaElement } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { deltaBinaryUnpack } from 'hyparquet/src/delta.js';
import { byteStreamSplit, readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import type { DecoderBuffers } from './parquet-buffers.js';
import { readDefinitions, readHybrid } from './parquet-hybrid.js';
import { NULL, VALUE } from '../../core/data/batch.js';

/**
 * What a column's values mean, as the reference reader (hyparquet's conversions) gives them: numbers (INT64 as the
 * nearest float64), booleans, instants (epoch milliseconds, as the Date hyparquet makes), or text. Columns of any
 * other kind (decimals, INT96, float16, JSON, UUID, nested) are left to the reference reader.
 */
export type ValueKind = 'number' | 'bool' | 'instant' | 'text';

/** How a column chunk's stored values become a kind's values. */
export interface ChunkLayout {
  kind: ValueKind;
  type: 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY';
  /** INT32 and INT64 read as unsigned. */
  unsigned: boolean;
  /** Instants: the stored unit (DATE counts days). */
  unit?: 'DAYS' | 'MILLIS' | 'MICROS' | 'NANOS';
  /** 1 for an optional column (nulls possible), 0 for a required one. */
  maxDefinition: number;
}

/** One column of a row group, decoded: numbers (NaN for null) or text ids into the chunk's own table. */
export type DecodedColumn =
  | { kind: 'number' | 'bool' | 'instant'; status: Uint8Array; numbers: Float64Array; rounded: number }
  | { kind: 'text'; status: Uint8Array; entries: Int32Array; table: TextTable }
  | { kind: 'values'; values: unknown[] };

/**
 * The distinct byte strings of a text chunk (its dictionary page, then any plain values, each its own entry), as
 * UTF-8 that decodes and encodes back to itself: bytes of entry i are pool[starts[i], starts[i + 1]).
 */
export interface TextTable {
  pool: Uint8Array;
  starts: Int32Array;
  size: number;
}

/** A page the typed decoder does not handle: the chunk goes to the reference reader. */
export class UnsupportedChunk extends Error {}

/**
 * The layout of a flat column (`element`, a leaf under the root), or undefined where the typed decoder does not
 * follow hyparquet's conversion exactly and the reference reader must read it. Mirrors hyparquet's `convert`.
 */
export function chunkLayout(element: SchemaElement): ChunkLayout | undefined {
  if (element.repetition_type === 'REPEATED') return undefined;
  const maxDefinition = element.repetition_type === 'REQUIRED' ? 0 : 1;
  const { type, converted_type: converted, logical_type: logical } = element;
  const base = { unsigned: false, maxDefinition };
  if (converted === 'DATE' && type === 'INT32') return { ...base, kind: 'instant', type, unit: 'DAYS' };
  if (converted === 'TIMESTAMP_MILLIS' && type === 'INT64') return { ...base, kind: 'instant', type, unit: 'MILLIS' };
  if (converted === 'TIMESTAMP_MICROS' && type === 'INT64') return { ...base, kind: 'instant', type, unit: 'MICROS' };
  if (type === 'BYTE_ARRAY') {
    const textual =
      (converted === undefined || converted === 'UTF8' || converted === 'ENUM') &&
      (logical === undefined || logical.type === 'STRING' || logical.type === 'ENUM');
    return textual ? { ...base, kind: 'text', type } : undefined;
  }
  if (converted !== undefined && !/^(U?INT_(8|16|32|64))$/.test(converted)) return undefined;
  if (logical?.type === 'TIMESTAMP' && type === 'INT64' && converted === undefined)
    return { ...base, kind: 'instant', type, unit: logical.unit };
  if (logical !== undefined && logical.type !== 'INTEGER') return undefined;
  const unsigned =
    converted === 'UINT_64' ||
    converted === 'UINT_32' ||
    (logical?.type === 'INTEGER' && !logical.isSigned && (logical.bitWidth === 64 || logical.bitWidth === 32));
  if (type === 'INT32' || type === 'INT64') return { ...base, kind: 'number', type, unsigned };
  if (type === 'FLOAT' || type === 'DOUBLE') return { ...base, kind: 'number', type };
  if (type === 'BOOLEAN') return { ...base, kind: 'bool', type };
  return undefined;
}

/**
 * Decodes a flat column chunk (its pages from the dictionary page on) of `rows` rows into typed arrays, without a
 * JavaScript value per row: numbers straight into a Float64Array, dictionary pages converted once per entry, text
 * as ids into the chunk's table. Throws UnsupportedChunk for an encoding it does not handle. The arrays come from
 * `buffers` (see DecoderBuffers); `bytes` may be reused once this returns.
 */
export function decodeColumnChunk(
  bytes: Uint8Array,
  rows: number,
  meta: Pick<ColumnMetaData, 'codec'>,
  layout: ChunkLayout,
  buffers: DecoderBuffers,
): DecodedColumn {
  const compressors = buffers.codecs;
  const status = buffers.uint8(rows);
  const text = layout.kind === 'text';
  const numbers = text ? undefined : buffers.float64(rows);
  const entries = text ? buffers.int32(rows) : undefined;
  const table = text ? new TableBuilder() : undefined;
  let dictionaryNumbers: Float64Array | undefined;
  let dictionaryEntries: Int32Array | undefined;
  let rounded = 0;
  let row = 0;
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  while (row < rows && reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const compressed = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), meta.codec, compressors);
      const count = header.dictionary_page_header!.num_values;
      const values = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      if (text) dictionaryEntries = readPlainTexts(values, count, table!);
      else {
        const plain = readPlainNumbers(values, count, layout);
        rounded += plain.rounded;
        dictionaryNumbers = plain.numbers;
      }
      continue;
    }
    if (header.type !== 'DATA_PAGE' && header.type !== 'DATA_PAGE_V2') continue;
    let definitions: Uint8Array | undefined;
    let page: Uint8Array;
    let count: number;
    let encoding: string;
    let valuesLength: number | undefined;
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      count = daph.num_values;
      encoding = daph.encoding;
      page = decompressPage(compressed, Number(header.uncompressed_page_size), meta.codec, compressors);
      let levels = 0;
      if (layout.maxDefinition > 0) {
        // Definition levels (a 4-byte length, then the hybrid encoding) before the values.
        const length = page[0]! | (page[1]! << 8) | (page[2]! << 16) | (page[3]! << 24);
        definitions = readDefinitions(page, 4, 4 + length, count);
        levels = 4 + length;
      }
      page = page.subarray(levels);
    } else {
      const daph = header.data_page_header_v2!;
      count = daph.num_values;
      encoding = daph.encoding;
      if (daph.repetition_levels_byte_length) throw new UnsupportedChunk('repeated values');
      if (layout.maxDefinition > 0 && daph.num_nulls > 0)
        definitions = readDefinitions(compressed, 0, daph.definition_levels_byte_length, count);
      const levelBytes = daph.definition_levels_byte_length + daph.repetition_levels_byte_length;
      const body = compressed.subarray(levelBytes);
      page =
        daph.is_compressed === false
          ? body
          : decompressPage(body, Number(header.uncompressed_page_size) - levelBytes, meta.codec, compressors);
      valuesLength = page.byteLength;
    }
    if (row + count > rows) throw new UnsupportedChunk('more values than rows');
    let present = count;
    if (definitions) for (let i = 0; i < count; i++) if (definitions[i] === 0) present--;
    const values = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
    if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
      const indices = new Int32Array(present);
      const width = page[0]!;
      if (width > 0) readHybrid(page, 1, valuesLength ?? page.byteLength, width, indices, present);
      // An index past the dictionary (a damaged file) is left to the reference reader, which reads it as null.
      let largest = 0;
      for (let i = 0; i < present; i++) if (indices[i]! > largest) largest = indices[i]!;
      const size = (text ? dictionaryEntries?.length : dictionaryNumbers?.length) ?? 0;
      if (present > 0 && largest >= size) throw new UnsupportedChunk('a dictionary index past the dictionary');
      if (text) {
        if (!dictionaryEntries) throw new UnsupportedChunk('dictionary indices without a dictionary page');
        scatterIds(indices, dictionaryEntries, definitions, status, entries!, row, count);
      } else {
        if (!dictionaryNumbers) throw new UnsupportedChunk('dictionary indices without a dictionary page');
        scatterNumbers(indices, dictionaryNumbers, definitions, status, numbers!, row, count);
      }
    } else if (text) {
      if (encoding !== 'PLAIN') throw new UnsupportedChunk(`text encoded ${encoding}`);
      scatterIds(undefined, readPlainTexts(values, present, table!), definitions, status, entries!, row, count);
    } else {
      const plain = readNumbers(values, present, layout, encoding);
      rounded += plain.rounded;
      scatterNumbers(undefined, plain.numbers, definitions, status, numbers!, row, count);
    }
    row += count;
  }
  if (row !== rows) throw new UnsupportedChunk(`${row} values for ${rows} rows`);
  return text
    ? { kind: 'text', status, entries: entries!, table: table!.finish() }
    : { kind: layout.kind as 'number', status, numbers: numbers!, rounded };
}

/**
 * Writes a page's values (through `indices` into `source` where given) to rows [row, row + count), nulls where the
 * definition level says so. A NaN is null, as the reference reader counts it. Status starts as VALUE (0): only
 * nulls are written.
 */
function scatterNumbers(
  indices: Int32Array | undefined,
  source: Float64Array,
  definitions: Uint8Array | undefined,
  status: Uint8Array,
  out: Float64Array,
  row: number,
  count: number,
): void {
  if (!definitions) {
    // Every value present: one tight loop, then NaN looked for only where the source holds one.
    if (indices) for (let i = 0; i < count; i++) out[row + i] = source[indices[i]!]!;
    else out.set(source.subarray(0, count), row);
    if (hasNaN(source)) for (let i = row; i < row + count; i++) if (out[i] !== out[i]) status[i] = NULL;
    return;
  }
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (definitions && definitions[i] === 0) {
      status[row + i] = NULL;
      out[row + i] = Number.NaN;
      continue;
    }
    const value = source[indices ? indices[next]! : next]!;
    next++;
    out[row + i] = value;
    status[row + i] = value === value ? VALUE : NULL;
  }
}

function scatterIds(
  indices: Int32Array | undefined,
  source: Int32Array,
  definitions: Uint8Array | undefined,
  status: Uint8Array,
  out: Int32Array,
  row: number,
  count: number,
): void {
  if (!definitions) {
    if (indices) for (let i = 0; i < count; i++) out[row + i] = source[indices[i]!]!;
    else out.set(source.subarray(0, count), row);
    return;
  }
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (definitions && definitions[i] === 0) {
      status[row + i] = NULL;
      out[row + i] = -1;
      continue;
    }
    out[row + i] = source[indices ? indices[next]! : next]!;
    next++;
    status[row + i] = VALUE;
  }
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true;
  return false;
}

type Reader = { view: DataView; offset: number };

/** Values of a data page in a numeric encoding, as the layout's numbers. */
function readNumbers(
  reader: Reader,
  count: number,
  layout: ChunkLayout,
  encoding: string,
): { numbers: Float64Array; rounded: number } {
  if (encoding === 'PLAIN') return readPlainNumbers(reader, count, layout);
  if (encoding === 'RLE' && layout.type === 'BOOLEAN') {
    const bits = new Uint8Array(count);
    readRleBitPackedHybrid(reader, 1, bits);
    return { numbers: Float64Array.from(bits), rounded: 0 };
  }
  if (encoding === 'DELTA_BINARY_PACKED' && (layout.type === 'INT32' || layout.type === 'INT64')) {
    const raw = layout.type === 'INT32' ? new Int32Array(count) : new BigInt64Array(count);
    deltaBinaryUnpack(reader, count, raw);
    return fromStored(raw, layout);
  }
  if (encoding === 'BYTE_STREAM_SPLIT' && layout.type !== 'BOOLEAN' && layout.type !== 'BYTE_ARRAY') {
    return fromStored(
      byteStreamSplit(reader, count, layout.type, undefined) as
        | Int32Array
        | BigInt64Array
        | Float32Array
        | Float64Array,
      layout,
    );
  }
  throw new UnsupportedChunk(`${layout.type} encoded ${encoding}`);
}

/** PLAIN values: fixed-width little-endian numbers, or bits for booleans. */
function readPlainNumbers(
  reader: Reader,
  count: number,
  layout: ChunkLayout,
): { numbers: Float64Array; rounded: number } {
  const { view } = reader;
  const at = view.byteOffset + reader.offset;
  if (layout.type === 'BOOLEAN') {
    const numbers = new Float64Array(count);
    for (let i = 0; i < count; i++) numbers[i] = (view.getUint8(reader.offset + (i >> 3)) >> (i & 7)) & 1;
    reader.offset += Math.ceil(count / 8);
    return { numbers, rounded: 0 };
  }
  const width = layout.type === 'INT64' || layout.type === 'DOUBLE' ? 8 : 4;
  if (reader.offset + count * width > view.byteLength) throw new UnsupportedChunk('a page shorter than its values');
  // Typed views need aligned offsets: an unaligned page is copied once.
  const source = at % width === 0 ? view.buffer : view.buffer.slice(at, at + count * width);
  const start = at % width === 0 ? at : 0;
  reader.offset += count * width;
  if (layout.type === 'INT64') return fromStored(new BigInt64Array(source, start, count), layout);
  if (layout.type === 'INT32') return fromStored(new Int32Array(source, start, count), layout);
  if (layout.type === 'FLOAT') return fromStored(new Float32Array(source, start, count), layout);
  return fromStored(new Float64Array(source, start, count), layout);
}

const TWO_32 = 4294967296;
/** Instants beyond this many milliseconds from 1970 are not Dates (ECMAScript's time range). */
const MAX_TIME = 8.64e15;

/**
 * Stored values as the layout's numbers, equal to what hyparquet's conversion gives: INT64 as Number(bigint) (the
 * nearest float64, counted in `rounded` where it is not exact), instants as the Date's milliseconds.
 */
function fromStored(
  raw: Int32Array | BigInt64Array | Float32Array | Float64Array,
  layout: ChunkLayout,
): { numbers: Float64Array; rounded: number } {
  const count = raw.length;
  const numbers = new Float64Array(count);
  let rounded = 0;
  if (raw instanceof Float64Array || raw instanceof Float32Array) {
    numbers.set(raw);
    return { numbers, rounded };
  }
  if (raw instanceof Int32Array) {
    if (layout.unit === 'DAYS') for (let i = 0; i < count; i++) numbers[i] = raw[i]! * 86400000;
    else if (layout.unsigned) for (let i = 0; i < count; i++) numbers[i] = raw[i]! >>> 0;
    else numbers.set(raw);
    return withinTime({ numbers, rounded }, layout);
  }
  // INT64 read as two 32-bit halves: high * 2^32 + low is exact below 2^53, and above it rounds once to nearest,
  // ties to even, as Number(bigint) does. No BigInt is made per value.
  const halves = new Int32Array(raw.buffer, raw.byteOffset, count * 2);
  const divisor = layout.unit === 'MICROS' ? 1000 : layout.unit === 'NANOS' ? 1000000 : 1;
  for (let i = 0; i < count; i++) {
    const high = halves[2 * i + 1]!;
    const low = halves[2 * i]! >>> 0;
    let value = (layout.unsigned ? high >>> 0 : high) * TWO_32 + low;
    const exact = high < 0x200000 && high >= -0x200000 && !(layout.unsigned && high < 0);
    if (divisor === 1) {
      if (!exact && BigInt(value) !== (layout.unsigned ? BigInt.asUintN(64, raw[i] as bigint) : (raw[i] as bigint)))
        rounded++;
    } else if (exact) {
      // Truncated toward zero, as hyparquet's BigInt division: the float quotient is corrected by the exact remainder.
      let quotient = Math.trunc(value / divisor);
      const remainder = value - quotient * divisor;
      if (value >= 0 ? remainder < 0 : remainder > 0) quotient += value >= 0 ? -1 : 1;
      else if (value >= 0 ? remainder >= divisor : remainder <= -divisor) quotient += value >= 0 ? 1 : -1;
      value = quotient;
    } else value = Number((raw[i] as bigint) / BigInt(divisor));
    numbers[i] = value;
  }
  return withinTime({ numbers, rounded }, layout);
}

/** Instants a Date cannot hold are left to the reference reader, which reports them as it always has. */
function withinTime<T extends { numbers: Float64Array }>(decoded: T, layout: ChunkLayout): T {
  if (layout.kind !== 'instant') return decoded;
  for (const n of decoded.numbers)
    if (!(Math.abs(n) <= MAX_TIME)) throw new UnsupportedChunk('instants outside the range of a Date');
  return decoded;
}

/** PLAIN byte arrays (a 4-byte length, then the bytes): each value a new entry of the table. */
function readPlainTexts(reader: Reader, count: number, table: TableBuilder): Int32Array {
  const ids = new Int32Array(count);
  const { view } = reader;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(reader.offset, true);
    reader.offset += 4;
    if (reader.offset + length > view.byteLength) throw new UnsupportedChunk('a text longer than its page');
    ids[i] = table.add(bytes, reader.offset, reader.offset + length);
    reader.offset += length;
  }
  return ids;
}

const DECODER = new TextDecoder();
const ENCODER = new TextEncoder();

/** Builds a TextTable; text that is not valid UTF-8 is stored as its decoding encodes (U+FFFD for bad bytes). */
class TableBuilder {
  private pool = new Uint8Array(4096);
  private starts = new Int32Array(257);
  private size = 0;

  add(source: Uint8Array, start: number, end: number): number {
    let from = start;
    let to = end;
    let bytes = source;
    for (let i = start; i < end; i++) {
      if (source[i]! < 0x80) continue;
      const normal = ENCODER.encode(DECODER.decode(source.subarray(start, end)));
      if (normal.length !== end - start || normal.some((b, j) => b !== source[start + j]))
        [bytes, from, to] = [normal, 0, normal.length];
      break;
    }
    const id = this.size++;
    if (id + 2 > this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    const at = this.starts[id]!;
    if (at + (to - from) > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, at + (to - from)));
      pool.set(this.pool.subarray(0, at));
      this.pool = pool;
    }
    this.pool.set(bytes.subarray(from, to), at);
    this.starts[id + 1] = at + (to - from);
    return id;
  }

  finish(): TextTable {
    return {
      pool: this.pool.subarray(0, this.starts[this.size]),
      starts: this.starts.subarray(0, this.size + 1),
      size: this.size,
    };
  }
}
