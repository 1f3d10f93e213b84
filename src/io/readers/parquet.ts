import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from '../../core/errors.js';
import type { DecodeAs, RecordBatch, TextDictionary } from '../../core/data/batch.js';
import { openRowGroupDecoder } from '../parallel/parquet-decoding.js';
import { columnFromDecoded } from './parquet-batch.js';
import { flatColumns, type DecodedRowGroup } from './parquet-row-group.js';
import { columnFromValues } from './value-columns.js';

export interface ParquetOptions {
  name: string;
  decodeAs: (columns: readonly string[]) => DecodeAs[];
  dictionary: (column: string) => TextDictionary;
  /**
   * Read only these rows, given the file's row count and its row groups' (shards address a Parquet file's rows by
   * position).
   */
  rows?: (total: number, groupRows: readonly number[]) => { start: number; stop: number };
  /**
   * Batches of at most this many rows (default: one batch per row group, as profiles of Parquet have always been
   * summed): for a reader that hands each batch on down a pipeline, such as evaluate's scoring.
   */
  batchRows?: number;
  /** Threads that decode row groups (1: this one only). */
  threads?: number;
  /** Told what the read changed on the way: INT64 values that a float64 cannot hold exactly. */
  onNote?: (message: string) => void;
}

/**
 * Reads a Parquet file one row group at a time, as column batches of typed arrays (see parquet-column-chunk), each
 * batch's arrays used again once it has been read: with
 * MLGATE_THREADS (default: one per core, up to 4) of at least 2, the row groups are decoded on worker threads, a few
 * ahead, and handed over in file order, so that memory holds a few row groups whatever the file's size. Files with
 * nested columns take the reference path (readParquetValues). Rows are numbered from 1 in place of lines.
 * Compressed files (snappy, gzip, zstd, brotli, lz4) are supported.
 */
export async function* readParquet(
  path: string,
  options: ParquetOptions,
): AsyncGenerator<RecordBatch | { header: string[] }> {
  const metadata = await readMetadata(path, options.name);
  const header = metadata.schema
    .slice(1)
    .filter((s) => !s.num_children)
    .map((s) => s.name);
  const flat = flatColumns(metadata);
  if (!flat) {
    yield* readParquetValues(path, options, metadata);
    return;
  }
  const decodeAs = options.decodeAs(header);
  yield { header };
  const total = Number(metadata.num_rows);
  const wanted = options.rows?.(
    total,
    metadata.row_groups.map((g) => Number(g.num_rows)),
  ) ?? { start: 0, stop: total };
  const names = header.filter((_, c) => decodeAs[c] !== 'skip');
  const groups = groupsIn(metadata, wanted);
  // A decoded row takes 9 bytes a column: a float64 or a text id and its table entry, and a status byte.
  const most = Math.max(0, ...groups.map((g) => g.rowEnd - g.rowStart));
  const batchRows = options.batchRows ?? Number.POSITIVE_INFINITY;
  const decoder = await openRowGroupDecoder(
    path,
    metadata,
    names,
    options.threads ?? 1,
    groups.length,
    most * 9 * names.length,
  );
  const rounded = new Map<string, number>();
  const started: Promise<DecodedRowGroup>[] = [];
  // Each batch's row ids, lines and text ids are those of the last: its reader has used them by then.
  const allRowIds = new Float64Array(Math.min(most, batchRows));
  const allLines = new Float64Array(Math.min(most, batchRows));
  const idBuffers = new Map<string, Int32Array>();
  try {
    for (let g = 0; g < groups.length; g++) {
      // Ask for the groups ahead before waiting for this one: the threads decode them meanwhile.
      while (started.length < Math.min(groups.length, g + 1 + decoder.ahead)) {
        const decoding = decoder.decode(groups[started.length]!.group);
        // Awaited in turn below; a failure of a group ahead is reported when its turn comes, if it does.
        decoding.catch(() => undefined);
        started.push(decoding);
      }
      const { rowStart, rowEnd, groupStart } = groups[g]!;
      let decoded: DecodedRowGroup;
      try {
        decoded = await started[g]!;
      } catch (error) {
        throw new DataError(
          `${options.name}: row group at row ${rowStart + 1} cannot be read (${error instanceof Error ? error.message : String(error)}); the file may be corrupt`,
          { file: options.name },
        );
      }
      // Let the group go once its batch is made: only the groups ahead stay.
      delete started[g];
      for (const [name, column] of names.map((n, c) => [n, decoded.columns[c]!] as const)) {
        if (column.kind !== 'text' && column.kind !== 'values' && column.rounded > 0)
          rounded.set(name, (rounded.get(name) ?? 0) + column.rounded);
      }
      // One batch per row group (or per batchRows rows of it).
      for (let start = rowStart; start < rowEnd; start += batchRows) {
        const length = Math.min(batchRows, rowEnd - start);
        const from = start - groupStart;
        const lines = allLines.subarray(0, length);
        const rowIds = allRowIds.subarray(0, length);
        for (let i = 0; i < length; i++) {
          rowIds[i] = start + i;
          lines[i] = start + i + 1;
        }
        const columns = names.map((name, c) => {
          const column = decoded.columns[c]!;
          const as = decodeAs[header.indexOf(name)]!;
          if (column.kind === 'text' && !idBuffers.has(name)) idBuffers.set(name, new Int32Array(most));
          return columnFromDecoded(
            name,
            as,
            column,
            as === 'text' || as === 'auto' ? options.dictionary(name) : undefined,
            from,
            from + length,
            idBuffers.get(name),
          );
        });
        yield { file: options.name, rowIds, length, lines, columns };
      }
      // The group's batches have been read: its arrays go back to the decoder for the groups to come.
      decoder.recycle(decoded);
    }
  } finally {
    await decoder.close();
  }
  for (const [name, count] of rounded)
    options.onNote?.(
      `${options.name}: column ${name}: ${count} INT64 value(s) beyond ±2^53 were read as the nearest float64`,
    );
  if (total === 0) throw new DataError(`${options.name}: the Parquet file has no rows`);
}

/** The row groups that hold rows of [start, stop), with the part of each that is wanted. */
function groupsIn(
  metadata: FileMetaData,
  wanted: { start: number; stop: number },
): { group: number; groupStart: number; rowStart: number; rowEnd: number }[] {
  const groups = [];
  let groupStart = 0;
  for (const [group, rowGroup] of metadata.row_groups.entries()) {
    const groupEnd = groupStart + Number(rowGroup.num_rows);
    const rowStart = Math.max(groupStart, wanted.start);
    const rowEnd = Math.min(groupEnd, wanted.stop);
    if (rowStart < rowEnd) groups.push({ group, groupStart, rowStart, rowEnd });
    groupStart = groupEnd;
  }
  return groups;
}

/** The rows of each row group of a Parquet file, from its footer. */
export async function readParquetGroupRows(path: string, name: string): Promise<number[]> {
  return (await readMetadata(path, name)).row_groups.map((g) => Number(g.num_rows));
}

async function readMetadata(path: string, name: string): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(await asyncBufferFromFile(path));
  } catch (error) {
    throw new DataError(
      `${name}: not a readable Parquet file (${error instanceof Error ? error.message : String(error)}); the file may be cut short or not Parquet`,
      { file: name },
    );
  }
}

/**
 * The reference reader: hyparquet decodes each row group into a JavaScript value per row, which columnFromValues
 * turns into batch columns. Slower and larger (a value per cell), it reads any schema; the typed reader is held to
 * its results by the tests.
 */
export async function* readParquetValues(
  path: string,
  options: ParquetOptions,
  known?: FileMetaData,
): AsyncGenerator<RecordBatch | { header: string[] }> {
  const file = await asyncBufferFromFile(path);
  const metadata = known ?? (await readMetadata(path, options.name));
  const header = metadata.schema
    .slice(1)
    .filter((s) => !s.num_children)
    .map((s) => s.name);
  const decodeAs = options.decodeAs(header);
  yield { header };
  const total = Number(metadata.num_rows);
  const wanted = options.rows?.(
    total,
    metadata.row_groups.map((g) => Number(g.num_rows)),
  ) ?? { start: 0, stop: total };
  for (const { rowStart, rowEnd } of groupsIn(metadata, wanted)) {
    const data = new Map<string, unknown[]>();
    try {
      await parquetRead({
        file,
        metadata,
        compressors,
        rowStart,
        rowEnd,
        // Columns left out are not read at all: Parquet stores each column apart.
        columns: header.filter((_, c) => decodeAs[c] !== 'skip'),
        onChunk: (chunk) => {
          const values = data.get(chunk.columnName) ?? [];
          const array = chunk.columnData as ArrayLike<unknown>;
          // A chunk may cover more rows than were asked for (whole pages): keep those in [rowStart, rowEnd).
          const from = Math.max(0, rowStart - chunk.rowStart);
          const to = Math.min(array.length, rowEnd - chunk.rowStart);
          for (let i = from; i < to; i++) values[chunk.rowStart - rowStart + i] = array[i];
          data.set(chunk.columnName, values);
        },
      });
    } catch (error) {
      throw new DataError(
        `${options.name}: row group at row ${rowStart + 1} cannot be read (${error instanceof Error ? error.message : String(error)}); the file may be corrupt`,
        { file: options.name },
      );
    }
    const length = rowEnd - rowStart;
    const lines = new Float64Array(length);
    for (let i = 0; i < length; i++) lines[i] = rowStart + i + 1;
    yield {
      file: options.name,
      rowIds: Float64Array.from({ length }, (_, i) => rowStart + i),
      length,
      lines,
      columns: header.flatMap((name, c) =>
        decodeAs[c] === 'skip'
          ? []
          : [
              columnFromValues(
                name,
                decodeAs[c]!,
                data.get(name) ?? [],
                decodeAs[c] === 'text' || decodeAs[c] === 'auto' ? options.dictionary(name) : undefined,
                length,
              ),
            ],
      ),
    };
  }
  if (total === 0) throw new DataError(`${options.name}: the Parquet file has no rows`);
}
