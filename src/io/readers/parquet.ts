import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from '../../core/errors.js';
import type { DecodeAs, RecordBatch, TextDictionary } from '../../core/data/batch.js';
import { columnFromValues } from './value-columns.js';

export interface ParquetOptions {
  name: string;
  decodeAs: (columns: readonly string[]) => DecodeAs[];
  dictionary: (column: string) => TextDictionary;
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
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const data = new Map<string, unknown[]>();
    try {
      await parquetRead({
        file,
        metadata,
        compressors,
        rowStart,
        rowEnd,
        onChunk: (chunk) => {
          const values = data.get(chunk.columnName) ?? [];
          const array = chunk.columnData as ArrayLike<unknown>;
          for (let i = 0; i < array.length; i++) values[chunk.rowStart - rowStart + i] = array[i];
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
      columns: header.map((name, c) => columnFromValues(name, decodeAs[c]!, data.get(name) ?? [], decodeAs[c] === 'text' || decodeAs[c] === 'auto' ? options.dictionary(name) : undefined, length)),
    };
    rowStart = rowEnd;
  }
  if (rowStart === 0) throw new DataError(`${options.name}: the Parquet file has no rows`);
}
