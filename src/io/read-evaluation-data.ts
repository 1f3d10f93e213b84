import { NULL, TextDictionary, VALUE, type ColumnData, type DecodeAs } from '../core/data/batch.js';
import { ConfigurationError, DataError } from '../core/errors.js';
import { resolve } from 'node:path';
import { fileIdentity, rowBucket } from '../core/evaluate/poisson-bootstrap.js';
import type { ShardPiece } from '../core/shard/shard-pieces.js';
import type { ShardSpec } from '../core/shard/shard-spec.js';
import { readDataset, type DatasetFile } from './readers/dataset.js';
import type { ReadSettings } from './readers/read-settings.js';
import type { RowFacts } from './onnx/batch-scorer.js';
import { resized } from '../core/data/typed-arrays.js';

/** Rows of a Parquet batch for scoring (a row group may hold a million). */
const PARQUET_BATCH_ROWS = 4096;

/** The label column, read both ways until the task is known: numbers where cells parse, and the text of each. */
export interface LabelColumn {
  name: string;
  numbers: Float64Array;
  ids: Int32Array;
  dictionary: string[];
}

/** A column read for slicing: numbers where cells parse, and the text of each. */
export type SliceColumn = LabelColumn;

/** The rows read: the label, any slice columns, and where each row came from (the features went to `onFeatures`). */
export interface EvaluationData {
  rows: number;
  label: LabelColumn;
  slices: SliceColumn[];
  /** With `searchColumns`: the other columns (not features, label or slices) of the first file, read as slices are. */
  searched: SliceColumn[];
  /** With `keepFeatures`: each feature's values batch by batch (float32: they only place rows in quartiles). */
  features: { name: string; parts: Float32Array[] }[];
  /** Rows read of each file, in the order of the files given. */
  fileRows: number[];
  /** Each row's bootstrap bucket, from its file's place in the dataset (filePositions) and its identity in the file. */
  buckets: Uint32Array;
  /** `file:line` of a row, for messages. */
  locate(row: number): string;
}

export interface EvaluationReadOptions {
  features: readonly string[];
  /**
   * Takes each batch's feature columns, in the order of `features`, as they are read (to be scored then): `rows`
   * numbers each, every one a number; and the batch's labels as numbers (NaN where not) and bootstrap buckets. The
   * reader reuses the arrays once the returned promise settles.
   */
  onFeatures(columns: readonly Float64Array[], rows: number, facts: RowFacts): Promise<void> | void;
  /** The label column; absent when only the model's outputs matter (prediction drift). */
  label?: string;
  sliceColumns: readonly string[];
  /** Also read every other column (for the weak-slice search). */
  searchColumns?: boolean;
  /** How to read each of those columns (default auto: numbers and text); see sniffNumericColumns. */
  searchAs?: (column: string) => 'number' | 'text' | 'auto';
  /** Also keep every feature's values (for the weak-slice search). */
  keepFeatures?: boolean;
  bucketCount: number;
  /** How to read the files (delimiter, decimal separator, quotes). */
  settings?: ReadSettings;
  /** Read only this shard's rows, telling `onPiece` what was read of each file. */
  shard?: ShardSpec;
  shardKey?: string;
  onPiece?: (piece: ShardPiece) => void;
  /** See DatasetReadOptions.onFileBytes. */
  onFileBytes?: (file: DatasetFile, chunk: Buffer) => void;
  /**
   * Features read as texts (a model's string inputs), each into its dictionary: `onFeatures` gets the ids of their
   * texts in these dictionaries, as numbers.
   */
  textFeatures?: ReadonlyMap<string, TextDictionary>;
}

/** Rows per part of a kept feature (256 KiB of float32). */
const FEATURE_PART_ROWS = 65_536;

/**
 * Reads the columns evaluate needs from every file of the dataset: the features batch by batch to `onFeatures`
 * (which scores them), the label and any slice columns into memory. A missing column, a feature cell that is not a
 * number or is empty, or a row without a label stops here with the file and line, before that batch is scored.
 */
export async function readEvaluationData(
  files: readonly DatasetFile[],
  options: EvaluationReadOptions,
): Promise<EvaluationData> {
  const { features, label } = options;
  const wanted = new Set([...features, ...(label !== undefined ? [label] : []), ...options.sliceColumns]);
  const dictionaries = new Map<string, TextDictionary>();
  const texts = options.textFeatures ?? new Map<string, TextDictionary>();
  const dictionary = (column: string) => {
    let found = texts.get(column) ?? dictionaries.get(column);
    if (!found) dictionaries.set(column, (found = new TextDictionary()));
    return found;
  };
  let capacity = 1024;
  let rows = 0;
  const extra = [...(label !== undefined ? [label] : []), ...options.sliceColumns].map((name) => ({
    name,
    numbers: new Float64Array(capacity),
    ids: new Int32Array(capacity),
  }));
  const labelIndex = label !== undefined ? 0 : -1;
  const sliceCount = options.sliceColumns.length;
  // The searched columns are the first file's others, known once its header is read (by decodeAs, which comes
  // before the file's event: the columns must be decoded from its first batch on).
  let searched: string[] | undefined;
  const search = (header: readonly string[]) => {
    if (!options.searchColumns || searched !== undefined) return;
    searched = header.filter((c) => !wanted.has(c));
    for (const name of searched)
      extra.push({ name, numbers: new Float64Array(capacity), ids: new Int32Array(capacity) });
  };
  // Kept in parts of FEATURE_PART_ROWS rows, not grown into one array (no copying as it grows), and not one part per
  // batch (fewer, larger allocations: less for the garbage collector).
  // Text features (a model's string inputs) have no quartiles: the search takes them as the text columns they are.
  const kept = options.keepFeatures
    ? features.flatMap((name, index) =>
        texts.has(name) ? [] : [{ name, index, parts: [] as Float32Array[], filled: 0 }],
      )
    : [];
  const keep = (feature: (typeof kept)[number], values: Float64Array, count: number) => {
    for (let done = 0; done < count; ) {
      let part = feature.parts.at(-1);
      if (!part || feature.filled === part.length) {
        feature.parts.push((part = new Float32Array(FEATURE_PART_ROWS)));
        feature.filled = 0;
      }
      const take = Math.min(count - done, part.length - feature.filled);
      part.set(values.subarray(done, done + take), feature.filled);
      feature.filled += take;
      done += take;
    }
  };
  let buckets = new Uint32Array(capacity);
  let fileOf = new Uint16Array(capacity);
  let lineOf = new Float64Array(capacity);
  const grow = (needed: number) => {
    if (needed <= capacity) return;
    while (capacity < needed) capacity *= 2;
    for (const column of extra) {
      column.numbers = resized(column.numbers, capacity);
      column.ids = resized(column.ids, capacity);
    }
    buckets = resized(buckets, capacity);
    fileOf = resized(fileOf, capacity);
    lineOf = resized(lineOf, capacity);
  };

  const fileIndex = new Map<string, number>();
  const positions = filePositions(files);
  const identityOf = new Map(files.map((f, i) => [f.name, fileIdentity(positions[i]!)]));
  // Per file, what turns its batches' line numbers into the file's (a shard's lines count from its first row).
  const lineBases: (() => number)[] = [];
  for await (const event of readDataset(files, {
    settings: options.settings,
    // Columns the models, the label and the slices do not use are skipped: an id or free-text column would
    // otherwise fill a dictionary with every distinct value for nothing.
    decodeAs: (columns) => {
      search(columns);
      return columns.map(
        (c): DecodeAs =>
          texts.has(c)
            ? 'text'
            : features.includes(c) && c !== label && !options.sliceColumns.includes(c)
              ? 'number'
              : wanted.has(c)
                ? 'auto'
                : searched?.includes(c)
                  ? (options.searchAs?.(c) ?? 'auto')
                  : 'skip',
      );
    },
    dictionary,
    shard: options.shard,
    shardKey: options.shardKey,
    onPiece: options.onPiece,
    onFileBytes: options.onFileBytes,
    // Parquet in batches near the size of a CSV's, so that scoring overlaps reading as it does for CSV.
    batchRows: PARQUET_BATCH_ROWS,
  })) {
    if (event.type === 'file') {
      lineBases.push(event.lineBase);
      search(event.header);
      const missing = [...wanted].filter((c) => !event.header.includes(c));
      if (missing.length > 0) {
        throw new ConfigurationError(
          `${event.file.name}: no column ${missing.map((m) => JSON.stringify(m)).join(', ')}; it has ${event.header.slice(0, 30).join(', ')}${event.header.length > 30 ? ', …' : ''}. Check label, features and slices`,
          { file: event.file.name, line: 1 },
        );
      }
      fileIndex.set(event.file.name, fileIndex.size);
      continue;
    }
    const { batch } = event;
    const byName = new Map(batch.columns.map((c) => [c.name, c]));
    const start = rows;
    grow(rows + batch.length);
    const fileNumber = fileIndex.get(event.file.name)!;
    const fileHash = identityOf.get(event.file.name)!;
    for (let r = 0; r < batch.length; r++) {
      buckets[start + r] = rowBucket(fileHash, batch.rowIds[r]!, options.bucketCount);
      fileOf[start + r] = fileNumber;
      lineOf[start + r] = batch.lines[r]!;
    }
    const featureColumns = features.map((name) => byName.get(name)!);
    for (const column of featureColumns) {
      const { status } = column;
      for (let r = 0; r < batch.length; r++) {
        if (status[r] !== VALUE) throw featureError(column, r, event.file, batch.lines[r]! + lineBases[fileNumber]!());
      }
    }
    for (const feature of kept) keep(feature, featureColumns[feature.index]!.numbers!, batch.length);
    extra.forEach((target, index) => {
      const column = byName.get(target.name);
      if (!column) {
        // A searched column that a later file lacks: its rows are in none of its slices.
        target.numbers.fill(Number.NaN, start, start + batch.length);
        target.ids.fill(-1, start, start + batch.length);
        return;
      }
      for (let r = 0; r < batch.length; r++) {
        if (index === labelIndex && column.status[r] === NULL) {
          const line = batch.lines[r]! + lineBases[fileNumber]!();
          throw new DataError(
            `${event.file.name}:${line}: the label ${label} is empty; every row needs a label to be scored (drop unlabelled rows first)`,
            { file: event.file.name, line },
          );
        }
        // A column read as numbers only has no text ids (nor dictionary), one read as text only no numbers.
        target.numbers[start + r] = column.numbers && column.numbers.length > r ? column.numbers[r]! : Number.NaN;
        target.ids[start + r] = column.ids && column.ids.length > r ? column.ids[r]! : -1;
      }
    });
    rows += batch.length;
    if (featureColumns.length > 0) {
      const facts = {
        labels: labelIndex === 0 ? extra[0]!.numbers.subarray(start, rows) : undefined,
        buckets: buckets.subarray(start, rows),
      };
      await options.onFeatures(
        featureColumns.map((c) =>
          texts.has(c.name) ? Float64Array.from(c.ids!.subarray(0, batch.length)) : c.numbers!,
        ),
        batch.length,
        facts,
      );
    }
  }
  const names = [...fileIndex.keys()];
  const fileRows = new Array<number>(files.length).fill(0);
  const position = new Map(files.map((f, i) => [f.name, i]));
  const countOf = new Float64Array(names.length);
  for (let r = 0; r < rows; r++) countOf[fileOf[r]!]!++;
  names.forEach((name, i) => (fileRows[position.get(name)!] = countOf[i]!));
  const asColumn = (c: (typeof extra)[number]): LabelColumn => ({
    name: c.name,
    numbers: c.numbers.subarray(0, rows),
    ids: c.ids.subarray(0, rows),
    dictionary: dictionaries.get(c.name)?.values ?? [],
  });
  return {
    rows,
    label:
      labelIndex === 0
        ? asColumn(extra[0]!)
        : { name: '', numbers: new Float64Array(0), ids: new Int32Array(0), dictionary: [] },
    slices: extra.slice(labelIndex + 1, labelIndex + 1 + sliceCount).map(asColumn),
    searched: extra.slice(labelIndex + 1 + sliceCount).map(asColumn),
    features: kept.map(({ name, parts, filled }) => ({
      name,
      parts: parts.map((part, i) => (i === parts.length - 1 ? part.subarray(0, filled) : part)),
    })),
    fileRows,
    buckets: buckets.subarray(0, rows),
    locate: (row) => `${names[fileOf[row]!]}:${lineOf[row]! + lineBases[fileOf[row]!]!()}`,
  };
}

/**
 * Each file's place among the dataset's files sorted by absolute, normalised path (`.` and `..` resolved): what a
 * row's bootstrap identity takes from its file. The order the files were given in, how their paths were spelled and
 * the folder they lie in do not change it; nor does renaming a single file.
 */
export function filePositions(files: readonly DatasetFile[]): number[] {
  const normalised = files.map((f) => resolve(f.path));
  const order = normalised
    .map((_, i) => i)
    .sort((a, b) => (normalised[a]! < normalised[b]! ? -1 : normalised[a]! > normalised[b]! ? 1 : a - b));
  const positions = new Array<number>(files.length);
  order.forEach((file, position) => (positions[file] = position));
  return positions;
}

function featureError(column: ColumnData, row: number, file: DatasetFile, line: number): DataError {
  const text = column.invalidText.get(row);
  const message =
    text !== undefined
      ? `${file.name}:${line}: feature ${column.name} is "${text.slice(0, 40)}", not a number; the model takes numbers, so encode text features before export (or inside the exported pipeline)`
      : `${file.name}:${line}: feature ${column.name} is missing (empty, NaN or a null text); the model cannot score missing values: fill or drop them first (a contract with nullable: false catches this in validate-data)`;
  return new DataError(message, { file: file.name, line });
}
