import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import { ConfigurationError, DataError } from '../../core/errors.js';
import type { DecodeAs, RecordBatch, TextDictionary } from '../../core/data/batch.js';
import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import { selectRows } from '../../core/data/select-rows.js';
import { ownedByKey, ownsFile, ownsPosition, shardByteRange, type ShardSpec } from '../../core/shard/shard-spec.js';
import { readDelimited } from './delimited.js';
import { readDelimitedHeader } from './delimited-header.js';
import { countNewlines } from './count-newlines.js';
import { CHUNK_BYTES, fileChunks } from './file-chunks.js';
import { readJsonLines } from './json-lines.js';
import { readParquet, readParquetGroupRows } from './parquet.js';
import { largestShardShare, shardRowGroups } from './parquet-shard.js';
import { readingThreads } from '../parallel/parallel-scan.js';
import { delimitedSettings, delimiterName, type ReadSettings } from './read-settings.js';

export const DATA_FORMATS = ['csv', 'tsv', 'jsonl', 'parquet'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

export interface DatasetFile {
  /** Where to read it. */
  path: string;
  /** How messages name it: as the user wrote it, relative to the working directory. */
  name: string;
  format: DataFormat;
  gzip: boolean;
}

/** The format a file's name implies (`.csv`, `.tsv`, `.jsonl`/`.ndjson`, `.parquet`, each optionally `.gz`). */
export function formatOf(name: string): { format: DataFormat; gzip: boolean } | undefined {
  const lower = name.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const ext = base.slice(base.lastIndexOf('.') + 1);
  const format = (
    { csv: 'csv', tsv: 'tsv', tab: 'tsv', jsonl: 'jsonl', ndjson: 'jsonl', parquet: 'parquet', pq: 'parquet' } as const
  )[ext as 'csv'];
  return format ? { format, gzip } : undefined;
}

/** The files named by paths and globs (several files are one dataset), in a stable order. */
export async function resolveDataFiles(
  patterns: readonly string[],
  cwd: string,
  format: DataFormat | 'auto',
  label: string,
): Promise<DatasetFile[]> {
  const files: DatasetFile[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const names = isDynamicPattern(pattern)
      ? (
          await glob(pattern, {
            cwd,
            onlyFiles: true,
            expandDirectories: false,
            ignore: ['**/node_modules/**', '**/.git/**'],
          })
        ).sort()
      : [pattern];
    if (names.length === 0) throw new ConfigurationError(`${label}: no file matches ${pattern}`);
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const path = isAbsolute(name) ? name : join(cwd, name);
      const info = await stat(path).catch(() => undefined);
      if (!info)
        throw new ConfigurationError(
          `${name}: file not found; check ${label} (paths are relative to the working directory)`,
        );
      if (info.isDirectory())
        throw new ConfigurationError(`${name}: is a folder, not a data file; use a glob such as ${name}/*.csv`);
      // Files are read in byte ranges, by position: a pipe or a device has none.
      if (!info.isFile())
        throw new ConfigurationError(
          `${name}: is not a regular file (a pipe or a device); write the data to a file and give its path`,
        );
      const detected = formatOf(name);
      const chosen = format === 'auto' ? detected?.format : format;
      if (!chosen)
        throw new ConfigurationError(
          `${name}: cannot tell the format from the name; name it .csv, .tsv, .jsonl or .parquet (optionally .gz), or set format`,
        );
      files.push({ path, name, format: chosen, gzip: detected?.gzip ?? name.toLowerCase().endsWith('.gz') });
    }
  }
  if (files.length === 0) throw new ConfigurationError(`${label} names no files`);
  return files;
}

export interface DatasetReadOptions {
  /** For delimited files: the delimiter, decimal separator and quote mode, resolved per file by delimitedSettings. */
  settings?: ReadSettings;
  nullValues?: readonly string[];
  /** How to decode each column of a file, given its header. */
  decodeAs: (columns: readonly string[], file: DatasetFile) => DecodeAs[];
  /** One dictionary per column name, shared across files. */
  dictionary: (column: string) => TextDictionary;
  /** Read only this shard's rows (see splitsByFile for how), and tell `onPiece` what was read of each file. */
  shard?: ShardSpec;
  /** With shard: split by a hash of this column's value instead (every file is read whole, its rows filtered). */
  shardKey?: string;
  onPiece?: (piece: ShardPiece) => void;
  /**
   * Read only this many rows of each Parquet file, whose first batch is a whole row group (often the whole file):
   * for a look at the first rows. Text formats are read as usual, a batch of at most 32,768 cells at a time.
   */
  headRows?: number;
  /**
   * Given each chunk of a CSV or TSV file (not gzip) that is read whole, in order, as it is read: to hash the file
   * from the bytes the read takes anyway. The chunk is valid only during the call.
   */
  onFileBytes?: (file: DatasetFile, chunk: Buffer) => void;
  /** Parquet batches of at most this many rows (default: a row group each; see ParquetOptions.batchRows). */
  batchRows?: number;
  /** Threads that decode a Parquet file's row groups (default: readingThreads()). */
  threads?: number;
  /** Told what a read changed on the way (INT64 values beyond what a float64 holds exactly), to be logged. */
  onNote?: (message: string) => void;
}

/**
 * A file's header, then its batches. `lineBase` turns a batch's line numbers into the file's: 0 except for a
 * shard that starts inside a delimited file, whose lines count from its first row (counted on demand: the
 * newlines before it are only needed to point at a row in a message).
 */
export type DatasetEvent =
  | { type: 'file'; file: DatasetFile; header: string[]; lineBase: () => number }
  | { type: 'batch'; file: DatasetFile; batch: RecordBatch };

/** Files this many times the number of shards or more are split by file, whole files to each shard. */
const FILES_PER_SHARD_FOR_FILE_SPLIT = 4;

/**
 * How a sharded read splits a dataset: by whole files, round-robin, when there are many files (at least four per
 * shard) or when any is gzip-compressed (a compressed stream cannot be entered in the middle); otherwise every
 * file by position: delimited files in equal byte ranges (a row belongs to the range it starts in), Parquet in
 * whole row groups (see shardRowGroups), JSON Lines round-robin by record.
 */
export function splitsByFile(files: readonly DatasetFile[], shard: ShardSpec): boolean {
  return files.length >= FILES_PER_SHARD_FOR_FILE_SPLIT * shard.count || files.some((f) => f.gzip);
}

/** The share of the dataset's rows a shard is expected to read, judged by bytes (whole files) or by its slice. */
export function shardShare(
  files: readonly DatasetFile[],
  sizes: readonly number[],
  shard: ShardSpec,
  byKey = false,
): number {
  if (byKey || !splitsByFile(files, shard)) return 1 / shard.count;
  const total = sizes.reduce((a, b) => a + b, 0);
  const own = sizes.reduce((sum, size, i) => sum + (ownsFile(shard, i) ? size : 0), 0);
  return total > 0 ? own / total : 1 / shard.count;
}

/**
 * shardShare, raised to the largest share of a Parquet file's rows that one shard reads when files are split by
 * position: a shard reads whole row groups (see shardRowGroups), which can be more than its equal share.
 */
export async function datasetShardShare(
  files: readonly DatasetFile[],
  sizes: readonly number[],
  shard: ShardSpec,
  byKey = false,
): Promise<number> {
  const share = shardShare(files, sizes, shard, byKey);
  if (byKey || splitsByFile(files, shard)) return share;
  let largest = share;
  for (const file of files) {
    if (file.format !== 'parquet') continue;
    const groupRows = await readParquetGroupRows(file.path, file.name);
    largest = Math.max(largest, largestShardShare(shard.count, groupRows));
  }
  return Math.min(1, largest);
}

/** How one read splits the dataset: not at all, by file, by position inside each file, or by a key's hash. */
type Split =
  | { kind: 'none' }
  | { kind: 'file'; shard: ShardSpec }
  | { kind: 'position'; shard: ShardSpec }
  | { kind: 'key'; shard: ShardSpec; key: string };

/** One file opened for reading: its rows (for a shard, its share of them), what was read, and its line base. */
interface OpenedFile {
  source: AsyncGenerator<RecordBatch | { header: string[] }>;
  /** What this read took of the file, once read (shards only); `rows` read, `firstRowId` the first one's id. */
  piece(rows: number): ShardPiece | undefined;
  /** See DatasetEvent; `firstRowId` is the first row read, when one was. */
  lineBase(firstRowId: number | undefined): number;
}

/** Reads the files of a dataset one after another, as a stream of headers and column batches. */
export async function* readDataset(
  files: readonly DatasetFile[],
  options: DatasetReadOptions,
): AsyncGenerator<DatasetEvent> {
  const { shard, shardKey } = options;
  if (shard && shardKey === undefined && files.some((f) => f.gzip) && files.length < shard.count) {
    throw new ConfigurationError(
      `${files.find((f) => f.gzip)!.name}: a gzip-compressed file cannot be split by position, so ${shard.count} shards need at least ${shard.count} files (split the data into more files, or store it uncompressed)`,
    );
  }
  const split: Split = !shard
    ? { kind: 'none' }
    : shardKey !== undefined
      ? { kind: 'key', shard, key: shardKey }
      : splitsByFile(files, shard)
        ? { kind: 'file', shard }
        : { kind: 'position', shard };
  // Key hashes of text values, per dictionary id: the dictionaries are shared by every file of the dataset.
  const keyHashes: number[] = [];
  for (const [index, file] of files.entries()) {
    if (split.kind === 'file' && !ownsFile(split.shard, index)) continue;
    const opened = await openFile(file, options, split);
    let rows = 0;
    let firstRowId: number | undefined;
    const lineBase = () => opened.lineBase(firstRowId);
    try {
      for await (let item of opened.source) {
        if ('header' in item) {
          if (split.kind === 'key' && !item.header.includes(split.key))
            throw new ConfigurationError(
              `${file.name}: no column ${JSON.stringify(split.key)} to shard by; set shard-key to a column every file has`,
              { file: file.name, line: 1 },
            );
          yield { type: 'file', file, header: item.header, lineBase };
          continue;
        }
        if (split.kind === 'key')
          item = selectRows(
            item,
            ownedByKey(split.shard, item.columns.find((c) => c.name === split.key)!, item.length, keyHashes),
          );
        if (rows === 0 && item.length > 0) firstRowId = item.rowIds[0];
        rows += item.length;
        yield { type: 'batch', file, batch: item };
      }
    } catch (error) {
      throw describeStreamError(withFileLines(error, file, lineBase), file);
    }
    const read = opened.piece(rows);
    if (read) options.onPiece?.(read);
  }
}

/** Opens one file's reader for a split: a shard by position reads only its range, rows or records of the file. */
async function openFile(file: DatasetFile, options: DatasetReadOptions, split: Split): Promise<OpenedFile> {
  // A key split hashes the key column's values: it is decoded even where the caller would skip it.
  const decodeAs = (columns: readonly string[]) =>
    options
      .decodeAs(columns, file)
      .map((as, c) => (as === 'skip' && split.kind === 'key' && columns[c] === split.key ? 'auto' : as));
  const perFile = {
    name: file.name,
    decodeAs,
    dictionary: options.dictionary,
    threads: options.threads ?? readingThreads(),
    onNote: options.onNote,
    batchRows: options.batchRows,
  };
  const whole = (source: OpenedFile['source']): OpenedFile => ({
    source,
    piece: (rows) =>
      split.kind === 'key'
        ? { file: file.name, split: 'key', rows, key: split.key }
        : split.kind === 'none'
          ? undefined
          : { file: file.name, split: 'file', rows },
    lineBase: () => 0,
  });
  const byPosition = split.kind === 'position' ? split.shard : undefined;
  if (file.format === 'parquet') {
    if (file.gzip)
      throw new ConfigurationError(`${file.name}: Parquet files compress their own pages; store it without .gz`);
    const head = options.headRows;
    if (!byPosition)
      return whole(
        readParquet(
          file.path,
          head === undefined ? perFile : { ...perFile, rows: (total) => ({ start: 0, stop: Math.min(total, head) }) },
        ),
      );
    let range = { start: 0, stop: 0, total: 0 };
    const source = readParquet(file.path, {
      ...perFile,
      rows: (total, groupRows) => (range = { ...shardRowGroups(byPosition, groupRows), total }),
    });
    return { source, piece: (rows) => ({ file: file.name, split: 'rows', rows, ...range }), lineBase: () => 0 };
  }
  if (file.format === 'jsonl') {
    const lines = createInterface({ input: byteStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    if (!byPosition) return whole(readJsonLines(lines, perFile));
    return {
      source: readJsonLines(lines, { ...perFile, keep: (position) => ownsPosition(byPosition, position) }),
      piece: (rows) => ({ file: file.name, split: 'positions', rows }),
      lineBase: () => 0,
    };
  }
  const { delimiter, decimal, quote } = delimitedSettings(file, options.settings);
  const delimited = { ...perFile, delimiter, decimal, quote, nullValues: options.nullValues };
  if (!byPosition) {
    const bytes = file.gzip
      ? (byteStream(file) as AsyncIterable<Buffer>)
      : tapped(fileChunks(file.path), file, options.onFileBytes);
    return whole(readDelimited(bytes, delimited));
  }
  const header = await readDelimitedHeader(file.path, delimiter, file.name, quote);
  if (!header) {
    throw new DataError(
      `${file.name}: the header row cannot be read on its own (not ${delimiterName(delimiter)}-delimited text, or longer than 1 MB), so the file cannot be split by position; check the file, or shard by file`,
      { file: file.name, line: 1 },
    );
  }
  const size = (await stat(file.path)).size;
  const bytes = shardByteRange(byPosition, header.dataStart, size);
  // A range after the first starts one byte early: a row that begins exactly at `start` follows a newline there.
  const start = byPosition.index === 1 ? bytes.start : bytes.start - 1;
  let end = { firstRowStart: bytes.start, lastRowEnd: bytes.start, lines: 0 };
  const range = { start, stop: bytes.stop, header: header.names, align: byPosition.index > 1 };
  let base: number | undefined;
  return {
    source: readDelimited(fileChunks(file.path, start), { ...delimited, range, onEnd: (e) => (end = e) }),
    piece: (rows) => ({
      file: file.name,
      split: 'bytes',
      rows,
      data_start: header.dataStart,
      data_end: size,
      first_row_start: end.firstRowStart,
      last_row_end: end.lastRowEnd,
      header_lines: header.lines,
      lines: end.lines,
    }),
    // Row ids are byte offsets: the first row's is where the shard's lines start (known before the read ends).
    lineBase: (firstRowId) => (base ??= 1 + countNewlines(file.path, firstRowId ?? end.firstRowStart)),
  };
}

/** A reader's error at a shard's relative line, restated at the file's line (which the message and annotation need). */
function withFileLines(error: unknown, file: DatasetFile, lineBase: () => number): unknown {
  if (!(error instanceof DataError) || error.location?.line === undefined) return error;
  const base = lineBase();
  if (base === 0) return error;
  const line = error.location.line + base;
  const message = error.message.replace(`${file.name}:${error.location.line}`, `${file.name}:${line}`);
  return new DataError(message, { ...error.location, line });
}

/** The chunks, each shown to `tap` first (the chunks themselves when there is no tap). */
function tapped(
  chunks: AsyncGenerator<Buffer>,
  file: DatasetFile,
  tap: DatasetReadOptions['onFileBytes'],
): AsyncIterable<Buffer> {
  if (!tap) return chunks;
  return (async function* () {
    for await (const chunk of chunks) {
      tap(file, chunk);
      yield chunk;
    }
  })();
}

/** A file's bytes as a stream, unzipped when it is `.gz` (for readline, which needs a stream). */
function byteStream(file: DatasetFile): NodeJS.ReadableStream {
  const raw = createReadStream(file.path, { highWaterMark: CHUNK_BYTES });
  if (!file.gzip) return raw;
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

function describeStreamError(error: unknown, file: DatasetFile): unknown {
  if (error instanceof DataError || error instanceof ConfigurationError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code.startsWith('Z_') || /incorrect header check|unexpected end of file/.test(String((error as Error).message))) {
    return new DataError(
      `${file.name}: not a valid gzip file (${(error as Error).message}); it may be cut short, or not compressed at all (then drop the .gz)`,
      { file: file.name },
    );
  }
  if (code === 'EACCES') return new ConfigurationError(`${file.name}: permission denied`);
  return error;
}
