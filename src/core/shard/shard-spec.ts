import { NULL, type ColumnData } from '../data/batch.js';
import { ConfigurationError } from '../errors.js';
import { hashText, murmurFinalize32 } from '../hashing.js';

/** One shard of a dataset split `count` ways: `index` counts from 1, as a matrix value `${{ matrix.shard }}/4` does. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The most shards a dataset may be split into: more jobs than this cost more in start-up than they save. */
export const MAX_SHARDS = 256;

/** Parses `i/n` (1 ≤ i ≤ n ≤ 256); '' means no sharding. `label` names the input in the error. */
export function parseShardSpec(text: string, label: string): ShardSpec | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count || count > MAX_SHARDS) {
    throw new ConfigurationError(
      `${label} must be i/n with 1 ≤ i ≤ n ≤ ${MAX_SHARDS}, e.g. 2/4 for the second of four shards (got "${value}")`,
    );
  }
  return { index, count };
}

/**
 * The byte range of shard `index` of `count` over the rows region [start, end) of a file: equal slices, the last
 * one ending at `end`. A reader takes the rows that begin inside its slice, so neighbouring shards meet exactly.
 */
export function shardByteRange(shard: ShardSpec, start: number, end: number): { start: number; stop: number } {
  const size = end - start;
  const at = (i: number) => (i === shard.count ? end : start + Math.floor((size * i) / shard.count));
  return { start: at(shard.index - 1), stop: at(shard.index) };
}

/**
 * The rows [start, stop) of `rows` that shard `index` of `count` takes, for files whose rows can be addressed by
 * position.
 */
export function shardRowRange(shard: ShardSpec, rows: number): { start: number; stop: number } {
  const at = (i: number) => Math.floor((rows * i) / shard.count);
  return { start: at(shard.index - 1), stop: at(shard.index) };
}

/** Whether the row at `position` of a file belongs to shard `index`, for files read as a stream of rows. */
export function ownsPosition(shard: ShardSpec, position: number): boolean {
  return position % shard.count === shard.index - 1;
}

/** Shard `index` of `count` takes whole files round-robin, in the dataset's stable order. */
export function ownsFile(shard: ShardSpec, fileIndex: number): boolean {
  return fileIndex % shard.count === shard.index - 1;
}

export function describeShard(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * Marks the rows of a batch's key column that belong to shard `index`: a hash of the key's text (text and
 * untyped columns) or of its number, so that every row with one key lands in one shard, whichever file it is in.
 * Rows without a key all go to the first shard. `textHashes` caches the hash of each dictionary id.
 */
export function ownedByKey(shard: ShardSpec, column: ColumnData, length: number, textHashes: number[]): Uint8Array {
  const keep = new Uint8Array(length);
  const float = new Float64Array(1);
  const halves = new Uint32Array(float.buffer);
  for (let r = 0; r < length; r++) {
    let hash: number;
    if (column.status[r] === NULL) hash = 0;
    else if (column.ids && column.dictionary && column.ids[r]! >= 0) {
      const id = column.ids[r]!;
      hash = textHashes[id] ??= hashText(column.dictionary.values[id]!);
    } else {
      float[0] = column.numbers ? column.numbers[r]! : Number.NaN;
      hash = murmurFinalize32(halves[0]! ^ murmurFinalize32(halves[1]!));
    }
    keep[r] = hash % shard.count === shard.index - 1 ? 1 : 0;
  }
  return keep;
}
