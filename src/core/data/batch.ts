import { resized } from './typed-arrays.js';

/**
 * Columnar batches of rows, the unit in which readers hand data to checks and profiles. A batch holds the rows
 * of one file that one read produced; every row keeps its file and line, so that problems can point at it.
 */

/** The types a data contract can give a column. */
export const COLUMN_TYPES = ['int', 'float', 'bool', 'string', 'category', 'datetime'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/**
 * How a reader decodes a column: as numbers (int, float), booleans (as 0/1), datetimes (as epoch milliseconds),
 * dictionary-encoded text, or `auto` (numbers where they parse, and the text beside them) when the type is unknown;
 * `skip` leaves the column out of the batches (its cells are still parsed past, but not decoded or kept).
 */
export type DecodeAs = 'number' | 'bool' | 'datetime' | 'text' | 'auto' | 'skip';

/** What a cell holds. */
export const VALUE = 0;
export const NULL = 1;
/** The text does not parse as the column's type. */
export const INVALID = 2;

/**
 * Distinct texts of one column across batches; ids are positions in `values`. Readers look texts up by their UTF-8
 * bytes (a hash table over the bytes), so a repeated value costs no string allocation. The bytes of every text live
 * in one pool, located by offsets: a column of a million distinct ids costs about 120 bytes a value, where an array
 * and a map entry of its own per value cost some 300.
 */
export class TextDictionary {
  readonly values: string[] = [];
  private table = new Int32Array(256).fill(-1);
  private hashes = new Int32Array(64);
  /** The bytes of text `id` are pool[starts[id] .. starts[id + 1]). */
  private starts = new Int32Array(65);
  private pool = new Uint8Array(1024);
  /** The ids of one-byte ASCII texts met so far, by byte (-1: not met). */
  private readonly byteIds = new Int32Array(128).fill(-1);

  /** Texts with a lone surrogate (possible in JSON), which UTF-8 cannot tell from U+FFFD: told apart as strings. */
  private malformed: Map<string, number> | undefined;
  private unindexed: Set<number> | undefined;

  /** The id of a text, adding it on first sight. */
  idOf(text: string): number {
    const bytes = ENCODER.encode(text);
    const id = this.idOfBytes(bytes, 0, bytes.length, () => text);
    if (this.values[id] === text) return id;
    this.malformed ??= new Map();
    let other = this.malformed.get(text);
    if (other === undefined) this.malformed.set(text, (other = this.add(text, bytes, 0, bytes.length, 0, false)));
    return other;
  }

  /**
   * The id of the one-byte text at bytes[at] (labels such as 0, 1 and 2, or flags), from a table of the 128 ASCII
   * bytes: a lookup instead of hashing, for columns that hold little else.
   */
  idOfByte<B extends Uint8Array>(
    source: B,
    at: number,
    decode: (bytes: B, start: number, end: number) => string,
  ): number {
    const byte = source[at]!;
    // A byte above 127 is not a whole UTF-8 character: left to the hash table, which tells such texts apart.
    if (byte > 127) return this.idOfBytes(source, at, at + 1, decode);
    const known = this.byteIds[byte]!;
    return known >= 0 ? known : (this.byteIds[byte] = this.idOfBytes(source, at, at + 1, decode));
  }

  /** The id of the UTF-8 text in bytes [start, end); `decode` makes the string the first time it is seen. */
  idOfBytes<B extends Uint8Array>(
    source: B,
    start: number,
    end: number,
    decode: (bytes: B, start: number, end: number) => string,
  ): number {
    const hash = hashBytes(source, start, end);
    const { table, hashes, starts, pool } = this;
    const mask = table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = table[slot]!;
      if (id < 0) break;
      if (hashes[id] === hash && sameBytes(pool, starts[id]!, starts[id + 1]!, source, start, end)) return id;
    }
    return this.add(decode(source, start, end), source, start, end, hash, true);
  }

  get size(): number {
    return this.values.length;
  }

  /** Adds a text; one not `indexed` is found by the malformed map only. */
  private add(text: string, source: Uint8Array, start: number, end: number, hash: number, indexed: boolean): number {
    const id = this.values.length;
    this.values.push(text);
    if (id + 2 > this.starts.length) {
      this.starts = resized(this.starts, (id + 2) * 2);
      this.hashes = resized(this.hashes, (id + 2) * 2);
    }
    const at = this.starts[id]!;
    if (at + (end - start) > this.pool.length)
      this.pool = resized(this.pool, Math.max(this.pool.length * 2, at + (end - start)));
    this.pool.set(source.subarray(start, end), at);
    this.starts[id + 1] = at + (end - start);
    this.hashes[id] = hash;
    if (!indexed) this.unindexed = (this.unindexed ?? new Set()).add(id);
    if (this.values.length * 2 > this.table.length) this.grow();
    else if (indexed) this.insert(id);
    return id;
  }

  private insert(id: number): void {
    const mask = this.table.length - 1;
    let slot = this.hashes[id]! & mask;
    while (this.table[slot]! >= 0) slot = (slot + 1) & mask;
    this.table[slot] = id;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2).fill(-1);
    for (let id = 0; id < this.values.length; id++) if (!this.unindexed?.has(id)) this.insert(id);
  }
}

const ENCODER = new TextEncoder();

/** FNV-1a over bytes. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 16777619);
  return hash | 0;
}

/** Whether pool[from, to) and source[start, end) hold the same bytes. */
function sameBytes(
  pool: Uint8Array,
  from: number,
  to: number,
  source: Uint8Array,
  start: number,
  end: number,
): boolean {
  if (to - from !== end - start) return false;
  for (let i = 0; i < to - from; i++) if (pool[from + i] !== source[start + i]) return false;
  return true;
}

/**
 * One column of a batch, as its consumers see it: read-only, because a reader reuses the arrays for its next batch
 * (see RecordBatch). Readers fill a WritableColumnData.
 */
export interface ColumnData {
  readonly name: string;
  readonly decodeAs: DecodeAs;
  /** VALUE, NULL or INVALID per row. */
  readonly status: Readonly<Uint8Array>;
  /** Numbers, 0/1 for booleans, epoch ms for datetimes; NaN where the status is not VALUE. Absent for text. */
  readonly numbers?: Readonly<Float64Array>;
  /** Dictionary ids for text (and for `auto`); -1 where null. */
  readonly ids?: Readonly<Int32Array>;
  readonly dictionary?: TextDictionary;
  /** The text of cells that did not parse, by row index in the batch (kept for messages). */
  readonly invalidText: ReadonlyMap<number, string>;
}

/**
 * A column as a reader builds and refills it: the writable twin of ColumnData, which is what the reader hands on.
 */
export interface WritableColumnData {
  name: string;
  decodeAs: DecodeAs;
  status: Uint8Array;
  numbers?: Float64Array;
  ids?: Int32Array;
  dictionary?: TextDictionary;
  invalidText: Map<number, string>;
}

/**
 * Rows of one file, column by column, as its consumers see it. Lifetime: a batch is valid only until the reader is
 * asked for the next one. A reader may reuse a batch's arrays for the next batch, so a consumer copies what it keeps
 * (`slice`, `Float64Array.from`) before asking for more, and never writes into them: the read-only types refuse
 * writes by index (a typed array's own `set` and `fill` are still there to be left alone).
 */
export interface RecordBatch {
  /** The file as the user named it. */
  readonly file: string;
  /**
   * Each row's identity within its file, independent of how the file is split for reading: the byte offset where
   * the row starts in delimited text, the row's position otherwise. Seeds the row's place in the profile sample.
   */
  readonly rowIds: Readonly<Float64Array>;
  readonly length: number;
  /** The 1-based line (or, for Parquet, row number) where each row starts. */
  readonly lines: Readonly<Float64Array>;
  readonly columns: readonly ColumnData[];
}
