import { ConfigurationError } from '../errors.js';

/**
 * What one shard read of one file, recorded in its partial document so that a merge can prove the shards covered
 * every row exactly once: byte ranges of a delimited file must meet end to end, row ranges of a Parquet file must
 * tile it, records taken by position need every shard, and a whole file must belong to exactly one shard.
 */
export type ShardPiece =
  | {
      file: string;
      split: 'bytes';
      rows: number;
      data_start: number;
      data_end: number;
      first_row_start: number;
      last_row_end: number;
      header_lines: number;
      lines: number;
    }
  | { file: string; split: 'rows'; rows: number; start: number; stop: number; total: number }
  | { file: string; split: 'positions'; rows: number }
  | { file: string; split: 'key'; rows: number; key: string }
  | { file: string; split: 'file'; rows: number };

/** A shard's identity and what it read. */
export interface ShardRecord {
  index: number;
  count: number;
  pieces: ShardPiece[];
}

/**
 * Checks that the shards are all there once each, of the same split, and that together they read every row of
 * every file exactly once. Throws a ConfigurationError naming what is wrong; returns the shards in order.
 */
export function checkShardCoverage<T extends { shard: ShardRecord; source: string }>(
  parts: readonly T[],
  files: readonly string[],
): T[] {
  if (parts.length === 0) throw new ConfigurationError('no partial documents to merge');
  const count = parts[0]!.shard.count;
  const byIndex = new Map<number, T>();
  for (const part of parts) {
    const { index, count: other } = part.shard;
    if (other !== count)
      throw new ConfigurationError(
        `${part.source} is shard ${index}/${other}, but ${parts[0]!.source} is of ${count} shards: merge the shards of one split`,
      );
    const seen = byIndex.get(index);
    if (seen)
      throw new ConfigurationError(
        `shard ${index}/${count} is given twice (${seen.source} and ${part.source}); give each shard's partial once`,
      );
    byIndex.set(index, part);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new ConfigurationError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: every shard's partial is needed for an exact merge (did a matrix job fail?)`,
    );
  const ordered = Array.from({ length: count }, (_, i) => byIndex.get(i + 1)!);
  for (const file of files)
    checkFile(
      file,
      ordered.map((p) => p.shard.pieces.filter((piece) => piece.file === file)),
    );
  return ordered;
}

function checkFile(file: string, perShard: ShardPiece[][]): void {
  const all = perShard.flat();
  const kinds = new Set(all.map((p) => p.split));
  if (all.length === 0)
    throw new ConfigurationError(`${file}: no shard read it; the shards were not run on the same files`);
  if (kinds.size > 1 || perShard.some((pieces) => pieces.length > 1))
    throw new ConfigurationError(
      `${file}: the shards split it in different ways; run every shard with the same inputs and mlgate version`,
    );
  const kind = all[0]!.split;
  if (kind === 'file') {
    if (all.length !== 1)
      throw new ConfigurationError(
        `${file}: read whole by ${all.length} shards; run every shard with the same data input`,
      );
    return;
  }
  if (perShard.some((pieces) => pieces.length === 0))
    throw new ConfigurationError(
      `${file}: some shards did not read their part of it; run every shard with the same data input`,
    );
  const pieces = perShard.map((p) => p[0]!);
  if (kind === 'bytes') {
    const bytes = pieces as Extract<ShardPiece, { split: 'bytes' }>[];
    const fits =
      bytes[0]!.first_row_start === bytes[0]!.data_start &&
      bytes.at(-1)!.last_row_end === bytes.at(-1)!.data_end &&
      bytes.every((p, i) => i === 0 || p.first_row_start === bytes[i - 1]!.last_row_end);
    if (!fits)
      throw new ConfigurationError(
        `${file}: the shards' byte ranges do not meet (a quoted value spanning lines fell on a boundary, or the file changed between jobs); shard it by file or by key-column instead`,
      );
  } else if (kind === 'rows') {
    const rows = pieces as Extract<ShardPiece, { split: 'rows' }>[];
    const fits =
      rows[0]!.start === 0 &&
      rows.at(-1)!.stop === rows.at(-1)!.total &&
      rows.every((p, i) => p.total === rows[0]!.total && (i === 0 || p.start === rows[i - 1]!.stop));
    if (!fits)
      throw new ConfigurationError(
        `${file}: the shards' row ranges do not tile the file (it changed between jobs?); run every shard on the same file`,
      );
  }
}

/**
 * The number to add to a shard's line numbers of `file` to make them the file's: shards of a delimited file count
 * lines from 0 at their first row, so the lines before it are the header's and those of the earlier shards.
 */
export function lineOffsets(ordered: readonly { shard: ShardRecord }[], file: string): number[] {
  let offset: number | undefined;
  return ordered.map(({ shard }) => {
    const piece = shard.pieces.find((p) => p.file === file);
    if (piece?.split !== 'bytes') return 0;
    offset ??= 1 + piece.header_lines;
    const mine = offset;
    offset += piece.lines;
    return mine;
  });
}
