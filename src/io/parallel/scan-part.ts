import { columnDecoding, type DataContract } from '../../core/contract/contract.js';
import { TextDictionary, type DecodeAs } from '../../core/data/batch.js';
import { ownValue } from '../../core/own-value.js';
import { ProfileBuilder, type ProfileState } from '../../core/profile/profile-builder.js';
import { DatasetValidator, type ValidatorPart } from '../../core/validate/dataset-validator.js';
import { ByteOffsetCeiling, ByteOffsetReservation } from '../profile/byte-offset-bounds.js';
import { readDelimited } from '../readers/delimited.js';
import { fileChunks } from '../readers/file-chunks.js';
import type { Decimal, QuoteMode } from '../readers/read-settings.js';

/** One byte range of a delimited file to read, check and profile on its own (in a worker thread or not). */
export interface PartRequest {
  path: string;
  name: string;
  delimiter: string;
  decimal: Decimal;
  quote: QuoteMode;
  header: string[];
  contract?: DataContract;
  /** How to read the columns the contract does not type (see ScanOptions). */
  decodeHints?: Readonly<Record<string, DecodeAs>>;
  /** Whether to run the contract's checks (a contract may be given only for its types). */
  validate: boolean;
  start: number;
  stop: number;
  /** The first part starts exactly at a row; the others may start inside one. */
  align: boolean;
  sampleSize: number;
  /** The part's share of the file's rows (its share of the bytes): its sample keeps what the whole's can need. */
  share: number;
  /**
   * Bytes of rows in the whole file: the part's sample takes rows below the ceiling they imply (see ByteOffsetCeiling).
   */
  dataBytes: number;
  seed?: number;
  /** The profile is only compared (see ProfileOptions.sortedOnly): every part must be read so. */
  sortedOnly?: boolean;
  createdAt: string;
}

export interface PartResult {
  /** The part's profile, absent when it was read into the caller's builder (see PartSink). */
  profile?: ProfileState;
  validator?: ValidatorPart;
  /** Byte where this part's rows begin, and the byte after its last row: consecutive parts must meet exactly. */
  firstRowStart: number;
  lastRowEnd: number;
  /** Newlines read, to number the lines of the parts after it. */
  lines: number;
}

/**
 * Where the first part of a file can be profiled straight away: the caller's own builder, while it is empty, and the
 * dictionaries its reads use. The part's profile is then already the builder's, and no copy of its sample is made.
 */
export interface PartSink {
  profile: ProfileBuilder;
  dictionary: (column: string) => TextDictionary;
}

/** Reads one part of a file, checking and profiling it as scanDataset would; the parts merge into the whole. */
export async function scanPart(request: PartRequest, into?: PartSink): Promise<PartResult> {
  const profile =
    into?.profile ??
    new ProfileBuilder({
      sampleSize: request.sampleSize,
      seed: request.seed,
      createdAt: request.createdAt,
      shardShare: request.share,
      sortedOnly: request.sortedOnly,
    });
  const validator = request.validate && request.contract ? new DatasetValidator(request.contract) : undefined;
  const dictionaries = new Map<string, TextDictionary>();
  const dictionary =
    into?.dictionary ??
    ((column: string) =>
      dictionaries.get(column) ?? (dictionaries.set(column, new TextDictionary()), dictionaries.get(column)!));
  const decodeAs = columnDecoding(request.contract, request.decodeHints);
  profile.limitSample(new ByteOffsetCeiling(request.name, request.dataBytes));
  // The caller's builder absorbs the other parts too: it makes room for the whole file's rows.
  profile.reserveSample(
    new ByteOffsetReservation(request.name, into ? request.dataBytes : request.stop - request.start),
  );
  let end = { firstRowStart: request.start, lastRowEnd: request.start, lines: 0 };
  for await (const item of readDelimited(fileChunks(request.path, request.start), {
    name: request.name,
    delimiter: request.delimiter,
    decimal: request.decimal,
    quote: request.quote,
    nullValues: request.contract?.dataset?.null_values,
    decodeAs: (columns) => columns.map(decodeAs),
    dictionary,
    range: { start: request.start, stop: request.stop, header: request.header, align: request.align },
    onEnd: (e) => (end = e),
  })) {
    if ('header' in item) {
      for (const column of item.header)
        if (decodeAs(column) !== 'skip')
          profile.declare(column, decodeAs(column), ownValue(request.contract?.columns, column)?.type);
    } else {
      validator?.checkBatch(item);
      profile.addBatch(item);
    }
  }
  return {
    ...(into ? {} : { profile: profile.state() }),
    ...(validator ? { validator: validator.part() } : {}),
    ...end,
  };
}
