import { stat } from 'node:fs/promises';
import { columnDecoding, type DataContract } from '../core/contract/contract.js';
import { TextDictionary, type DecodeAs } from '../core/data/batch.js';
import { DataError } from '../core/errors.js';
import { ownValue } from '../core/own-value.js';
import type { ProfileBuilder } from '../core/profile/profile-builder.js';
import type { Logger } from '../core/logger.js';
import type { DatasetValidator } from '../core/validate/dataset-validator.js';
import { ByteOffsetReservation } from './profile/byte-offset-bounds.js';
import { canReadInParallel, parallelMinBytes, readingThreads, scanInParts } from './parallel/parallel-scan.js';
import { readDelimitedHeader } from './readers/delimited-header.js';
import { readDataset, splitsByFile, type DatasetFile } from './readers/dataset.js';
import { delimitedSettings, withContractSettings, type ReadSettings } from './readers/read-settings.js';
import type { ShardPiece } from '../core/shard/shard-pieces.js';
import type { ShardSpec } from '../core/shard/shard-spec.js';

export interface ScanOptions {
  files: readonly DatasetFile[];
  /** Gives columns their types; columns it does not name are read as `decodeHints` say, else as `auto`. */
  contract?: DataContract;
  /**
   * How to read columns the contract does not type: `number` for those sniffed numeric, `skip` for those not needed.
   */
  decodeHints?: Readonly<Record<string, DecodeAs>>;
  profile: ProfileBuilder;
  validator?: DatasetValidator;
  /** How to read the files, as the user set it; the contract's dataset settings fill what is left unset. */
  settings?: ReadSettings;
  createdAt: string;
  logger?: Logger;
  /** Read only this shard's rows (one thread), telling `onPiece` what was read of each file. */
  shard?: ShardSpec;
  /** With shard: split by a hash of this column. */
  shardKey?: string;
  onPiece?: (piece: ShardPiece) => void;
}

/**
 * Reads a dataset once, streaming every batch into the validator (if any) and the profile. Large delimited files
 * are read in byte ranges by several threads whose checks and profiles are absorbed exactly into those of one read.
 */
export async function scanDataset(options: ScanOptions): Promise<void> {
  const dictionaries = new Map<string, TextDictionary>();
  const dictionary = (column: string) => {
    let d = dictionaries.get(column);
    if (!d) dictionaries.set(column, (d = new TextDictionary()));
    return d;
  };
  const decodeAs = columnDecoding(options.contract, options.decodeHints);
  if (options.shard) return scanShard(options, options.shard, decodeAs, dictionary);
  for (const file of options.files) {
    if (await scanInThreads(file, options, decodeAs, dictionary)) continue;
    // The file's size tells the profile how many rows to make room for (row ids are byte offsets).
    if ((file.format === 'csv' || file.format === 'tsv') && !file.gzip)
      options.profile.reserveSample(new ByteOffsetReservation(file.name, (await stat(file.path)).size));
    const events = readDataset([file], {
      settings: readSettings(options),
      nullValues: options.contract?.dataset?.null_values,
      decodeAs: (columns) => columns.map(decodeAs),
      dictionary,
      onNote: (message) => options.logger?.warning(message),
    });
    for await (const event of events) {
      if (event.type === 'file') {
        declareColumns(options, event.header, decodeAs);
        options.validator?.checkHeader(event.file.name, event.header);
      } else {
        options.validator?.checkBatch(event.batch);
        options.profile.addBatch(event.batch);
      }
    }
  }
}

/**
 * Reads one shard's rows of the dataset. Every shard that reads part of a file sees its header, but only the shard
 * that reads its start checks the column policy, so that a merge counts a missing column once.
 */
async function scanShard(
  options: ScanOptions,
  shard: ShardSpec,
  decodeAs: (column: string) => DecodeAs,
  dictionary: (column: string) => TextDictionary,
): Promise<void> {
  const checksHeaders = shard.index === 1 || (options.shardKey === undefined && splitsByFile(options.files, shard));
  const events = readDataset(options.files, {
    settings: readSettings(options),
    nullValues: options.contract?.dataset?.null_values,
    decodeAs: (columns) => columns.map(decodeAs),
    dictionary,
    shard,
    shardKey: options.shardKey,
    onPiece: options.onPiece,
    onNote: (message) => options.logger?.warning(message),
  });
  for await (const event of events) {
    if (event.type === 'file') {
      declareColumns(options, event.header, decodeAs);
      if (checksHeaders) options.validator?.checkHeader(event.file.name, event.header);
      else options.validator?.noteColumns(event.header);
    } else {
      options.validator?.checkBatch(event.batch);
      options.profile.addBatch(event.batch);
    }
  }
}

/**
 * Reads a large uncompressed CSV or TSV file in parts on several threads, then absorbs the parts' checks into the
 * validator (lines renumbered) and their profiles into the builder. Returns false to read the file in one piece
 * instead: the file is small, threads are off, uniqueness of text must be checked, a unique value repeats across
 * parts, a part's sample fell short, or a part met a problem (read in one piece, the problem is reported with its
 * true line).
 */
async function scanInThreads(
  file: DatasetFile,
  options: ScanOptions,
  decodeAs: (column: string) => DecodeAs,
  dictionary: (column: string) => TextDictionary,
): Promise<boolean> {
  const threads = readingThreads();
  if ((file.format !== 'csv' && file.format !== 'tsv') || file.gzip || threads < 2 || !canReadInParallel())
    return false;
  if (options.validator && !options.validator.splittable) return false;
  const size = (await stat(file.path)).size;
  if (size < parallelMinBytes()) return false;
  const { delimiter, decimal, quote } = delimitedSettings(file, readSettings(options));
  const header = await readDelimitedHeader(file.path, delimiter, file.name, quote);
  if (!header) return false;
  // The first part goes straight into the profile while it holds nothing yet (the dataset's first file): no part
  // sample beside the whole's. Any way back to one read then starts the profile afresh.
  const direct = options.profile.isEmpty ? { profile: options.profile, dictionary } : undefined;
  const readInOnePiece = () => {
    if (direct) options.profile.reset();
    return false;
  };
  let parts;
  try {
    parts = await scanInParts(
      {
        path: file.path,
        name: file.name,
        delimiter,
        decimal,
        quote,
        header: header.names,
        contract: options.contract,
        validate: options.validator !== undefined,
        decodeHints: options.decodeHints,
        sampleSize: options.profile.sampleSize,
        seed: options.profile.seed,
        sortedOnly: options.profile.sortedOnly,
        createdAt: options.createdAt,
      },
      header.dataStart,
      size,
      threads,
      direct,
    );
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    options.logger?.debug(`${file.name}: a part met a problem; reading it in one piece to report it with its line`);
    return readInOnePiece();
  }
  if (!parts) {
    options.logger?.debug(
      `${file.name}: the parts read by ${threads} threads did not meet (a quoted value spans lines); reading it in one piece`,
    );
    return readInOnePiece();
  }
  // A value repeated across parts could not be pointed at row by row: such a file is read in one piece.
  if (options.validator && options.validator.repeatsAcross(parts.map((p) => p.validator!)) > 0) {
    options.logger?.info(
      `${file.name}: a unique value repeats across the parts read by ${threads} threads; reading it in one piece to point at the rows`,
    );
    return readInOnePiece();
  }
  const profiles = parts.flatMap((p) => (p.profile ? [p.profile] : []));
  if (!options.profile.canAbsorbExactly(profiles)) {
    options.logger?.debug(
      `${file.name}: a part's sample fell short of what the whole's needs; reading it in one piece`,
    );
    return readInOnePiece();
  }
  direct?.profile.endSampleLimit();
  options.logger?.info(`${file.name}: read in ${threads} parts on ${threads} threads`);
  declareColumns(options, header.names, decodeAs);
  if (options.validator) {
    options.validator.checkHeader(file.name, header.names);
    // Part lines count from 0 at the part's first row; the file's first data row is on the line after the header.
    let lineOffset = 1 + header.lines;
    for (const part of parts) {
      options.validator.absorb(part.validator!, lineOffset);
      lineOffset += part.lines;
    }
  }
  for (const profile of profiles) options.profile.absorb(profile, dictionary);
  return true;
}

/** The user's settings, completed from the contract's. */
function readSettings(options: ScanOptions): ReadSettings {
  return withContractSettings(options.settings ?? {}, options.contract?.dataset);
}

/** Declares a header's columns to the profile with their types, but for those skipped. */
function declareColumns(options: ScanOptions, header: readonly string[], decodeAs: (column: string) => DecodeAs): void {
  for (const column of header) {
    const as = decodeAs(column);
    if (as !== 'skip') options.profile.declare(column, as, ownValue(options.contract?.columns, column)?.type);
  }
}
