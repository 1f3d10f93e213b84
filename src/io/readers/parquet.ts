import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from '../../core/errors.js';
import type { DecodeAs, RecordBatch, TextDictionary } from '../../core/data/batch.js';
import { columnFromValues } from './value-columns.js';

export interface ParquetOptions {
  name: string;
  decodeAs: (columns: readonly string[]) => DecodeAs[];
  dictionary: (column: string) => TextDictionary;
  /** Read only these rows, given the file's row count (shards address a Parquet file's rows by position). */
  rows?: (total: number) => { start: number; stop: number };
}

/**
 * Reads a Parquet file one row group at a time, column by column (typed arrays where hyparquet gives them).
 * Rows are numbered from 1 in place of lines. Compressed files (snappy, gzip, zstd, brotli, lz4) are supported.
 */
export async function* readParquet(path: string, options: ParquetOptions): AsyncGenerator<RecordBatch | { header: string[] }> {
  const file = await asyncBufferFromFile(path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new DataError(`${options.name}: not a readable Parquet file (${error instanceof Error ? error.message : String(error)}); the file may be cut short or not Parquet`, { file: options.name });
  }
  const header = metadata.schema.slice(1).filter((s) => !s.num_children).map((s) => s.name);
  const decodeAs = options.decodeAs(header);
  yield { header };
  const total = Number(metadata.num_rows);
  const wanted = options.rows?.(total) ?? { start: 0, stop: total };
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    const rowStart = Math.max(groupStart, wanted.start);
    const rowEnd = Math.min(groupEnd, wanted.stop);
    groupStart = groupEnd;
    if (rowStart >= rowEnd) continue;
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
      throw new DataError(`${options.name}: row group at row ${rowStart + 1} cannot be read (${error instanceof Error ? error.message : String(error)}); the file may be corrupt`, { file: options.name });
    }
    const length = rowEnd - rowStart;
    const lines = new Float64Array(length);
    for (let i = 0; i < length; i++) lines[i] = rowStart + i + 1;
    yield {
      file: options.name,
      rowIds: Float64Array.from({ length }, (_, i) => rowStart + i),
      length,
      lines,
      columns: header.flatMap((name, c) => (decodeAs[c] === 'skip' ? [] : [columnFromValues(name, decodeAs[c]!, data.get(name) ?? [], decodeAs[c] === 'text' || decodeAs[c] === 'auto' ? options.dictionary(name) : undefined, length)])),
    };
  }
  if (total === 0) throw new DataError(`${options.name}: the Parquet file has no rows`);
}
