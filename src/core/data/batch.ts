/**
 * Columnar batches of rows, the unit in which readers hand data to checks and profiles. A batch holds the rows
 * of one file that one read produced; every row keeps its file and line, so that problems can point at it.
 */

/** The types a data contract can give a column. */
export const COLUMN_TYPES = ['int', 'float', 'bool', 'string', 'category', 'datetime'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/**
 * How a reader decodes a column: as numbers (int, float), booleans (as 0/1), datetimes (as epoch milliseconds),
 * dictionary-encoded text, or `auto` (numbers where they parse, and the text beside them) when the type is unknown.
 */
export type DecodeAs = 'number' | 'bool' | 'datetime' | 'text' | 'auto';

/** What a cell holds. */
export const VALUE = 0;
export const NULL = 1;
/** The text does not parse as the column's type. */
export const INVALID = 2;

/**
 * Distinct texts of one column across batches; ids are positions in `values`. Readers look texts up by their UTF-8
 * bytes (a hash table over the bytes), so a repeated value costs no string allocation.
 */
export class TextDictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  private table = new Int32Array(256).fill(-1);
  private hashes: number[] = [];
  private bytes: Uint8Array[] = [];

  /** The id of a text, adding it on first sight. */
  idOf(text: string): number {
    let id = this.index.get(text);
    if (id === undefined) {
      const bytes = ENCODER.encode(text);
      id = this.add(text, bytes, hashBytes(bytes, 0, bytes.length));
    }
    return id;
  }

  /** The id of the UTF-8 text in bytes [start, end); `decode` makes the string the first time it is seen. */
  idOfBytes<B extends Uint8Array>(source: B, start: number, end: number, decode: (bytes: B, start: number, end: number) => string): number {
    const hash = hashBytes(source, start, end);
    const mask = this.table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.table[slot]!;
      if (id < 0) break;
      if (this.hashes[id] === hash && sameBytes(this.bytes[id]!, source, start, end)) return id;
    }
    const text = decode(source, start, end);
    const known = this.index.get(text);
    return known ?? this.add(text, source.slice(start, end), hash);
  }

  get size(): number {
    return this.values.length;
  }

  private add(text: string, bytes: Uint8Array, hash: number): number {
    const id = this.values.length;
    this.values.push(text);
    this.index.set(text, id);
    this.hashes.push(hash);
    this.bytes.push(bytes);
    if (this.values.length * 2 > this.table.length) this.grow();
    else this.insert(id);
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
    for (let id = 0; id < this.values.length; id++) this.insert(id);
  }
}

const ENCODER = new TextEncoder();

/** FNV-1a over bytes. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 16777619);
  return hash >>> 0;
}

function sameBytes(known: Uint8Array, source: Uint8Array, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let i = 0; i < known.length; i++) if (known[i] !== source[start + i]) return false;
  return true;
}

export interface ColumnData {
  name: string;
  decodeAs: DecodeAs;
  /** VALUE, NULL or INVALID per row. */
  status: Uint8Array;
  /** Numbers, 0/1 for booleans, epoch ms for datetimes; NaN where the status is not VALUE. Absent for text. */
  numbers?: Float64Array;
  /** Dictionary ids for text (and for `auto`); -1 where null. */
  ids?: Int32Array;
  dictionary?: TextDictionary;
  /** The text of cells that did not parse, by row index in the batch (kept for messages). */
  invalidText: Map<number, string>;
}

/**
 * Rows of one file, column by column. A reader may reuse a batch's arrays for the next batch: a consumer copies what
 * it keeps before asking for the next.
 */
export interface RecordBatch {
  /** The file as the user named it. */
  file: string;
  /**
   * Each row's identity within its file, independent of how the file is split for reading: the byte offset where
   * the row starts in delimited text, the row's position otherwise. Seeds the row's place in the profile sample.
   */
  rowIds: Float64Array;
  length: number;
  /** The 1-based line (or, for Parquet, row number) where each row starts. */
  lines: Float64Array;
  columns: ColumnData[];
}
