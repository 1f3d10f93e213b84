// The Parquet workloads' data: vega-datasets' flights-3m.parquet (3,000,000 rows in 11 row groups, ZSTD), copies of
// it twice and four times over written with the project's own writer (hyparquet-writer, with the file's schema and
// row groups; SNAPPY, as the writer has no ZSTD compressor), and the evaluate workload's CSV holdout as Parquet.
// Each is written once into out/bench/ and reused.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';

/** vega-datasets' flights-3m.parquet, where the package keeps its files. */
export function flightsPath(root) {
  const path = join(root, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm ci (vega-datasets is a dev dependency)`);
  return path;
}

/** Writes `times` copies of a Parquet file's rows, one after another, into one file with the same schema. */
export async function writeCopies(source, target, times) {
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const file = await asyncBufferFromFile(source);
  const metadata = await parquetMetadataAsync(file);
  const names = metadata.schema.slice(1).map((s) => s.name);
  const partial = `${target}.partial`;
  const writer = new ParquetWriter({ writer: fileWriter(partial), schema: metadata.schema, codec: 'SNAPPY' });
  // Timestamps are copied as stored (INT64 microseconds), not through a Date.
  const parsers = {
    timestampFromMicroseconds: (v) => v,
    timestampFromMilliseconds: (v) => v,
    timestampFromNanoseconds: (v) => v,
  };
  for (let copy = 0; copy < times; copy++) {
    let start = 0;
    for (const group of metadata.row_groups) {
      const rows = Number(group.num_rows);
      const parts = new Map(names.map((name) => [name, []]));
      await parquetRead({
        file,
        metadata,
        compressors,
        parsers,
        rowStart: start,
        rowEnd: start + rows,
        onChunk: (chunk) => parts.get(chunk.columnName).push(chunk.columnData),
      });
      writer.write({
        columnData: names.map((name) => ({ name, data: parts.get(name).flatMap((part) => Array.from(part)) })),
        rowGroupSize: rows,
      });
      start += rows;
    }
  }
  writer.finish();
  renameSync(partial, target);
  return target;
}

/** The evaluate workload's holdout (a CSV of numbers, the last column an int label) as Parquet: DOUBLE features. */
export async function csvToParquet(csvPath, target, rowGroupRows = 131072) {
  if (existsSync(target)) return target;
  const text = readFileSync(csvPath, 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const names = lines[0].split(',');
  const rows = lines.length - 1;
  const columns = names.map(() => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(',');
    for (let c = 0; c < names.length; c++) columns[c][r] = Number(cells[c]);
  }
  const partial = `${target}.partial`;
  const schema = [
    { name: 'root', num_children: names.length },
    ...names.map((name, c) => ({
      name,
      type: c === names.length - 1 ? 'INT32' : 'DOUBLE',
      repetition_type: 'REQUIRED',
    })),
  ];
  const writer = new ParquetWriter({ writer: fileWriter(partial), schema, codec: 'SNAPPY' });
  writer.write({
    columnData: names.map((name, c) => ({
      name,
      data: c === names.length - 1 ? Int32Array.from(columns[c]) : columns[c],
    })),
    rowGroupSize: rowGroupRows,
  });
  writer.finish();
  renameSync(partial, target);
  return target;
}

/** Whether @duckdb/node-api (a bench-only dev dependency with a native binding) loads here. */
export async function duckdbLoads(root) {
  try {
    const require = createRequire(join(root, 'package.json'));
    await import(require.resolve('@duckdb/node-api'));
    return true;
  } catch {
    return false;
  }
}
