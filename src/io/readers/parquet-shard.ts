import type { ShardSpec } from '../../core/shard/shard-spec.js';
import { shardRowRange } from '../../core/shard/shard-spec.js';

/**
 * The rows of a Parquet file that shard `index` of `count` reads: the row groups whose first row falls in its equal
 * share of the rows (shardRowRange), so that no row group is decoded by two shards (a row group is the unit
 * Parquet compresses and encodes: a shard that took part of one would decode all of it). Consecutive shards still
 * meet end to end; a shard may get no group when there are fewer groups than shards.
 */
export function shardRowGroups(shard: ShardSpec, groupRows: readonly number[]): { start: number; stop: number } {
  const total = groupRows.reduce((a, b) => a + b, 0);
  const { start, stop } = shardRowRange(shard, total);
  let first = -1;
  let at = 0;
  let from = 0;
  let to = 0;
  for (const [g, rows] of groupRows.entries()) {
    if (at >= start && at < stop && rows > 0) {
      if (first < 0) [first, from] = [g, at];
      to = at + rows;
    }
    at += rows;
  }
  if (first < 0) {
    // No group starts here: an empty range where the next shard's rows begin, so that the pieces still meet.
    const next = groupRows.reduce((acc, rows) => (acc.at < start ? { at: acc.at + rows } : acc), { at: 0 }).at;
    return { start: next, stop: next };
  }
  return { start: from, stop: to };
}

/** The largest share of a file's rows that any shard reads (see shardRowGroups): its sample must hold that much. */
export function largestShardShare(count: number, groupRows: readonly number[]): number {
  const total = groupRows.reduce((a, b) => a + b, 0);
  if (total === 0) return 1 / count;
  let largest = 0;
  for (let index = 1; index <= count; index++) {
    const { start, stop } = shardRowGroups({ index, count }, groupRows);
    largest = Math.max(largest, (stop - start) / total);
  }
  return largest;
}
