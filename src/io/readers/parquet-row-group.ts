import type { FileHandle } from 'node:fs/promises';
import type { ColumnChunk, FileMetaData, SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readColumn } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { parquetSchema } from 'hyparquet/src/metadata.js';
import { getTreePath } from 'hyparquet/src/schema.js';
import type { DecoderBuffers } from './parquet-buffers.js';
import { chunkLayout, decodeColumnChunk, UnsupportedChunk, type DecodedColumn } from './parquet-column-chunk.js';

/** A row group's wanted columns, decoded, in the order asked for. */
export interface DecodedRowGroup {
  group: number;
  rows: number;
  columns: DecodedColumn[];
}

/** The leaf columns of a file's schema, by name; undefined for a file with nested columns (read by the reference). */
export function flatColumns(metadata: FileMetaData): Map<string, SchemaElement> | undefined {
  const root = metadata.schema[0]!;
  const leaves = metadata.schema.slice(1);
  if (leaves.length !== root.num_children || leaves.some((s) => s.num_children)) return undefined;
  return new Map(leaves.map((s) => [s.name, s]));
}

/**
 * Decodes the named flat columns of row group `group`: typed where the column's kind and pages allow (see
 * decodeColumnChunk), else by hyparquet into JavaScript values, as the reference reader does. Reads only those
 * columns' bytes; the arrays come from `buffers`, to which they go back once used (see RowGroupDecoder.recycle).
 */
export async function decodeRowGroup(
  handle: FileHandle,
  metadata: FileMetaData,
  group: number,
  names: readonly string[],
  buffers: DecoderBuffers,
): Promise<DecodedRowGroup> {
  const rowGroup = metadata.row_groups[group]!;
  const rows = Number(rowGroup.num_rows);
  const columns: DecodedColumn[] = [];
  for (const name of names) {
    const chunk = rowGroup.columns.find(
      (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
    );
    if (!chunk?.meta_data || chunk.file_path) throw new Error(`row group ${group} has no column ${name}`);
    const bytes = await readChunk(handle, chunk, buffers);
    columns.push(decodeChunk(bytes, rows, metadata, chunk, buffers));
  }
  return { group, rows, columns };
}

const schemas = new WeakMap<FileMetaData, ReturnType<typeof parquetSchema>>();

/** The schema tree of a file, built once. */
function schemaOf(metadata: FileMetaData): ReturnType<typeof parquetSchema> {
  let tree = schemas.get(metadata);
  if (!tree) schemas.set(metadata, (tree = parquetSchema(metadata)));
  return tree;
}

async function readChunk(handle: FileHandle, chunk: ColumnChunk, buffers: DecoderBuffers): Promise<Uint8Array> {
  const meta = chunk.meta_data!;
  // As hyparquet: some writers leave dictionary_page_offset at 0 when there is no dictionary.
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const length = Number(meta.total_compressed_size);
  const bytes = buffers.chunkBuffer(length);
  const { bytesRead } = await handle.read(bytes, 0, length, start);
  if (bytesRead !== length) throw new Error(`the column chunk at byte ${start} runs past the end of the file`);
  return bytes;
}

function decodeChunk(
  bytes: Uint8Array,
  rows: number,
  metadata: FileMetaData,
  chunk: ColumnChunk,
  buffers: DecoderBuffers,
): DecodedColumn {
  const meta = chunk.meta_data!;
  const schemaPath = getTreePath(schemaOf(metadata), meta.path_in_schema);
  const element = schemaPath.at(-1)!.element;
  const layout = chunkLayout(element);
  if (layout) {
    try {
      return decodeColumnChunk(bytes, rows, meta, layout, buffers);
    } catch (error) {
      if (!(error instanceof UnsupportedChunk)) throw error;
    }
  }
  // The reference: hyparquet's own column reader and conversions, a JavaScript value per row. Its values may be
  // views of the bytes (byte arrays of an uncompressed page): the bytes are its own, not the reused buffer.
  const own = bytes.slice();
  const decoder = {
    pathInSchema: meta.path_in_schema,
    element,
    schemaPath,
    type: meta.type,
    codec: meta.codec,
    compressors,
    parsers: DEFAULT_PARSERS,
  };
  const { data } = readColumn(
    { view: new DataView(own.buffer, own.byteOffset, own.byteLength), offset: 0 },
    { groupStart: 0, selectStart: 0, selectEnd: rows, groupRows: rows },
    decoder,
  );
  const values: unknown[] = new Array(rows);
  let at = 0;
  for (const part of data) for (let i = 0; i < part.length && at < rows; i++) values[at++] = part[i];
  return { kind: 'values', values };
}
