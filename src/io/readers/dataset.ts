import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import { ConfigurationError, DataError } from '../../core/errors.js';
import type { DecodeAs, RecordBatch, TextDictionary } from '../../core/data/batch.js';
import { readDelimited } from './delimited.js';
import { readJsonLines } from './json-lines.js';
import { readParquet } from './parquet.js';

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

/** Reading one chunk of this size at a time keeps memory flat whatever the file's size. */
const CHUNK_BYTES = 1024 * 1024;

/** The format a file's name implies (`.csv`, `.tsv`, `.jsonl`/`.ndjson`, `.parquet`, each optionally `.gz`). */
export function formatOf(name: string): { format: DataFormat; gzip: boolean } | undefined {
  const lower = name.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const ext = base.slice(base.lastIndexOf('.') + 1);
  const format = ({ csv: 'csv', tsv: 'tsv', tab: 'tsv', jsonl: 'jsonl', ndjson: 'jsonl', parquet: 'parquet', pq: 'parquet' } as const)[ext as 'csv'];
  return format ? { format, gzip } : undefined;
}

/** The files named by paths and globs (several files are one dataset), in a stable order. */
export async function resolveDataFiles(patterns: readonly string[], cwd: string, format: DataFormat | 'auto', label: string): Promise<DatasetFile[]> {
  const files: DatasetFile[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const names = isDynamicPattern(pattern) ? (await glob(pattern, { cwd, onlyFiles: true, expandDirectories: false, ignore: ['**/node_modules/**', '**/.git/**'] })).sort() : [pattern];
    if (names.length === 0) throw new ConfigurationError(`${label}: no file matches ${pattern}`);
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const path = isAbsolute(name) ? name : join(cwd, name);
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new ConfigurationError(`${name}: file not found; check ${label} (paths are relative to the working directory)`);
      if (!info.isFile()) throw new ConfigurationError(`${name}: is a folder, not a data file; use a glob such as ${name}/*.csv`);
      const detected = formatOf(name);
      const chosen = format === 'auto' ? detected?.format : format;
      if (!chosen) throw new ConfigurationError(`${name}: cannot tell the format from the name; name it .csv, .tsv, .jsonl or .parquet (optionally .gz), or set format`);
      files.push({ path, name, format: chosen, gzip: detected?.gzip ?? name.toLowerCase().endsWith('.gz') });
    }
  }
  if (files.length === 0) throw new ConfigurationError(`${label} names no files`);
  return files;
}

export interface DatasetReadOptions {
  /** For delimited files: the delimiter, default ',' for csv and tab for tsv. */
  delimiter?: string;
  nullValues?: readonly string[];
  /** How to decode each column of a file, given its header. */
  decodeAs: (columns: readonly string[], file: DatasetFile) => DecodeAs[];
  /** One dictionary per column name, shared across files. */
  dictionary: (column: string) => TextDictionary;
}

export type DatasetEvent = { type: 'file'; file: DatasetFile; header: string[] } | { type: 'batch'; file: DatasetFile; batch: RecordBatch };

/** Reads the files of a dataset one after another, as a stream of headers and column batches. */
export async function* readDataset(files: readonly DatasetFile[], options: DatasetReadOptions): AsyncGenerator<DatasetEvent> {
  for (const file of files) {
    const perFile = { name: file.name, decodeAs: (columns: readonly string[]) => options.decodeAs(columns, file), dictionary: options.dictionary };
    let source: AsyncGenerator<RecordBatch | { header: string[] }>;
    if (file.format === 'parquet') {
      if (file.gzip) throw new ConfigurationError(`${file.name}: Parquet files compress their own pages; store it without .gz`);
      source = readParquet(file.path, perFile);
    } else if (file.format === 'jsonl') {
      source = readJsonLines(createInterface({ input: byteStream(file), crlfDelay: Number.POSITIVE_INFINITY }), perFile);
    } else {
      source = readDelimited(byteStream(file), { ...perFile, delimiter: options.delimiter ?? (file.format === 'tsv' ? '\t' : ','), nullValues: options.nullValues });
    }
    try {
      for await (const item of source) {
        if ('header' in item) yield { type: 'file', file, header: item.header };
        else yield { type: 'batch', file, batch: item };
      }
    } catch (error) {
      throw describeStreamError(error, file);
    }
  }
}

function byteStream(file: DatasetFile): NodeJS.ReadableStream & AsyncIterable<Buffer> {
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
    return new DataError(`${file.name}: not a valid gzip file (${(error as Error).message}); it may be cut short, or not compressed at all (then drop the .gz)`, { file: file.name });
  }
  if (code === 'EACCES') return new ConfigurationError(`${file.name}: permission denied`);
  return error;
}
