import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { TextDictionary, type ColumnData, type DecodeAs } from '../../src/core/data/batch.js';
import type { ShardPiece } from '../../src/core/shard/shard-pieces.js';
import type { ShardSpec } from '../../src/core/shard/shard-spec.js';
import { readDataset, resolveDataFiles, type DataFormat } from '../../src/io/readers/dataset.js';
import type { Decimal, QuoteMode } from '../../src/io/readers/read-settings.js';

/** Writes files (text, bytes, or Parquet columns) into a fresh folder and returns it. */
export function dataFolder(
  files: Record<string, string | Uint8Array | { parquet: { name: string; data: unknown[]; type?: string }[] }>,
): string {
  const folder = mkdtempSync(join(tmpdir(), 'mlgate-data-'));
  for (const [name, content] of Object.entries(files)) {
    let bytes: string | Uint8Array;
    if (typeof content === 'string' || content instanceof Uint8Array) bytes = content;
    else bytes = new Uint8Array(parquetWriteBuffer({ columnData: content.parquet as never }));
    if (name.endsWith('.gz') && typeof bytes === 'string') bytes = gzipSync(bytes);
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), bytes);
  }
  return folder;
}

export interface ReadResult {
  headers: string[][];
  /** Cell values per column across batches: numbers, texts, or null / { invalid: text }. */
  values: Record<string, unknown[]>;
  lines: number[];
  /** Each row's identity in its file (byte offset or position), as the bootstrap and the sample hash it. */
  rowIds: number[];
  /** What a sharded read took of each file. */
  pieces: ShardPiece[];
}

/** Reads a dataset with a fixed decoding per column name (default auto) and flattens the result. */
export async function readAll(
  folder: string,
  patterns: string[],
  decode: Record<string, DecodeAs> = {},
  options: {
    format?: DataFormat | 'auto';
    delimiter?: string;
    decimal?: Decimal;
    quote?: QuoteMode;
    shard?: ShardSpec;
    shardKey?: string;
  } = {},
): Promise<ReadResult> {
  const files = await resolveDataFiles(patterns, folder, options.format ?? 'auto', 'data');
  const dictionaries = new Map<string, TextDictionary>();
  const result: ReadResult = { headers: [], values: {}, lines: [], rowIds: [], pieces: [] };
  let lineBase = () => 0;
  for await (const event of readDataset(files, {
    settings: { delimiter: options.delimiter, decimal: options.decimal, quote: options.quote },
    decodeAs: (columns) => columns.map((c) => decode[c] ?? 'auto'),
    dictionary: (c) => dictionaries.get(c) ?? (dictionaries.set(c, new TextDictionary()), dictionaries.get(c)!),
    shard: options.shard,
    shardKey: options.shardKey,
    onPiece: (piece) => result.pieces.push(piece),
  })) {
    if (event.type === 'file') {
      result.headers.push(event.header);
      lineBase = event.lineBase;
    } else {
      const base = lineBase();
      result.lines.push(...Array.from(event.batch.lines, (line) => line + base));
      result.rowIds.push(...event.batch.rowIds);
      for (const column of event.batch.columns)
        (result.values[column.name] ??= []).push(...cellValues(column, event.batch.length));
    }
  }
  return result;
}

function cellValues(column: ColumnData, length: number): unknown[] {
  return Array.from({ length }, (_, r) => {
    if (column.status[r] === 1) return null;
    if (column.status[r] === 2 && column.decodeAs !== 'auto') return { invalid: column.invalidText.get(r) };
    if (column.decodeAs === 'text' || (column.decodeAs === 'auto' && column.status[r] === 2))
      return column.dictionary!.values[column.ids![r]!];
    return column.numbers![r];
  });
}
