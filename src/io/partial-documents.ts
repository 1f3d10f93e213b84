import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FileRef, PartialDocument, ShardedStep } from '../core/documents.js';
import { SAMPLE_ALL, type Profile } from '../core/profile/profile.js';
import { ConfigurationError } from '../core/errors.js';
import { ownValue } from '../core/own-value.js';
import { checkShardCoverage, type ShardPiece } from '../core/shard/shard-pieces.js';
import type { ShardSpec } from '../core/shard/shard-spec.js';
import type { DatasetFile } from './readers/dataset.js';
import type { ShardIdentity } from './partials/shard-identities.js';
import { readDocumentOfKind, writeDocument } from './documents.js';
import { resolveReportFiles } from './report-files.js';
import { sha256Hex } from './sha256.js';

/**
 * Partial reports carry a profile with its row sample (100,000 rows of every column by default) and the numbers
 * a unique rule saw: larger than other documents, still bounded.
 */
export const MAX_PARTIAL_BYTES = 256 * 1024 * 1024;

/** A partial document read for a merge, with the name it was given by. */
export interface LoadedPartial {
  source: string;
  document: PartialDocument;
  shard: PartialDocument['shard'];
}

/** The default file of a shard's partial report: one per step and shard, so a matrix's artifacts never collide. */
export function defaultPartialPath(step: ShardedStep, shard: ShardSpec): string {
  return `mlgate-reports/${step}.shard-${shard.index}-of-${shard.count}.json`;
}

/** The data files as a partial records them (names and sizes): shards of one dataset must agree on them. */
export async function fileFacts(files: readonly DatasetFile[]): Promise<{ path: string; bytes: number }[]> {
  return Promise.all(files.map(async (f) => ({ path: f.name, bytes: (await stat(f.path)).size })));
}

/** The part of a partial document that holds a step's state: a profile, a validator's or an evaluation's. */
export type PartialPayload = Pick<PartialDocument, 'profile' | 'packed_samples' | 'validation' | 'evaluation'>;

/** What a shard writes: its step, what it read, what every shard must share (`identity`), and the step's state. */
export interface ShardOutcome<S extends ShardedStep = ShardedStep> {
  step: S;
  createdAt: string;
  shard: ShardSpec;
  /** The column whose hash split the rows, if one did. */
  key: string | undefined;
  pieces: ShardPiece[];
  /** The data files' names and sizes (and SHA-256 where this shard hashed one). */
  files: FileRef[];
  /** The step's options that every shard must share, beside the files, the shard count and the key. */
  identity: ShardIdentity<S>;
  payload: PartialPayload;
}

/** Writes a shard's partial report, fingerprinted so that a merge can refuse shards of other inputs. */
export async function writePartial<S extends ShardedStep>(
  path: string,
  outcome: ShardOutcome<S>,
  write: (path: string, document: PartialDocument, options: { compact: boolean }) => Promise<void> = writeDocument,
): Promise<void> {
  const { step, shard } = outcome;
  const sizes = outcome.files.map((f) => ({ path: f.path, bytes: f.bytes ?? 0 }));
  const document: PartialDocument = {
    schema: 'mlgate/partial@1',
    created_at: outcome.createdAt,
    step,
    fingerprint: fingerprint(step, sizes, { ...outcome.identity, count: shard.count, key: outcome.key ?? null }),
    files: outcome.files,
    shard: { ...shard, pieces: outcome.pieces },
    ...outcome.payload,
  };
  await write(path, document, { compact: true });
}

/** A hash of everything the shards of one run must share: the step, the files and the step's options. */
function fingerprint(step: ShardedStep, files: readonly { path: string; bytes: number }[], options: unknown): string {
  return sha256Hex(JSON.stringify({ step, files, options }));
}

/**
 * Reads the partial reports of every shard of one step (paths or globs), checks that they are of that step, of the
 * same inputs, each shard once and all there, and that together they read every row once; returns them in shard
 * order. `label` names the input in messages.
 */
export async function readPartials(
  patterns: readonly string[],
  cwd: string,
  step: ShardedStep,
  label: string,
): Promise<LoadedPartial[]> {
  const { files, unmatched } = await resolveReportFiles(patterns, cwd);
  if (unmatched.length > 0)
    throw new ConfigurationError(
      `${label}: no partial report matches ${unmatched.join(', ')}; download every shard's artifact first`,
    );
  // Read side by side: one file's parse overlaps the others' reads.
  const partials = await Promise.all(
    files.map(async (file): Promise<LoadedPartial> => {
      const document = await readDocumentOfKind<PartialDocument>(
        resolve(cwd, file.path),
        file.path,
        'partial',
        `give the partial reports that ${step} writes with shard: i/n`,
        MAX_PARTIAL_BYTES,
      );
      if (document.step !== step)
        throw new ConfigurationError(
          `${file.path}: is a partial report of ${document.step}, not of ${step}; merge each step's partials with that step`,
          { file: file.path },
        );
      if (document.profile) document.profile = unpackSamples(document.profile, document.packed_samples, file.path);
      return { source: file.path, document, shard: document.shard };
    }),
  );
  if (partials.length === 0) throw new ConfigurationError(`${label} names no partial reports`);
  const first = partials[0]!;
  for (const partial of partials) {
    if (partial.document.fingerprint !== first.document.fingerprint) {
      throw new ConfigurationError(
        `${partial.source} and ${first.source} are shards of different inputs (other data files, sizes, or options); merge only the shards of one run, all run with the same inputs`,
        { file: partial.source },
      );
    }
  }
  return checkShardCoverage(
    partials,
    first.document.files.map((f) => f.path),
  );
}

/**
 * Typed arrays travel in documents as base64 of their little-endian bytes: exact, and a third of decimal text's size.
 */
export function encodeArray(array: Float64Array | Uint32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/**
 * The bytes of base64 text, checked: Node's decoder skips what is not base64, so a damaged text is caught by
 * encoding the bytes again (a regular expression in the schema cost more than the rest of a merge on large texts).
 */
function decodeBase64(text: string, width: number, source: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % width !== 0 || bytes.toString('base64') !== text)
    throw new ConfigurationError(
      `${source}: holds a packed array that is not valid base64 of ${width}-byte numbers; the partial report is damaged`,
      { file: source },
    );
  return bytes;
}

/** Float64 numbers from base64 text (see encodeArray), checked; `source` names the file in messages. */
export function decodeFloat64(text: string, source: string): Float64Array {
  const bytes = decodeBase64(text, 8, source);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Uint32 numbers from base64 text (see encodeArray), checked; `source` names the file in messages. */
export function decodeUint32(text: string, source: string): Uint32Array {
  const bytes = decodeBase64(text, 4, source);
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * A profile as a partial report carries it: the sample of every column whose sampled values are all numbers or
 * nulls travels as float64 in base64 (null as NaN, which JSON cannot hold, so the two never meet), beside the
 * profile; the column's `sample` is left empty. A sample of 30,000 rows × 20 numeric columns then parses in a few
 * milliseconds instead of a few hundred.
 */
export function packSamples(profile: Profile): { profile: Profile; packed_samples: Record<string, string> } {
  // Keyed by column name: built from entries, so that a column named __proto__ is a key like any other.
  const packed: [string, string][] = [];
  const columns = profile.columns.map((column) => {
    const { sample } = column;
    if (sample instanceof Float64Array) {
      packed.push([column.name, encodeArray(sample)]);
      return { ...column, sample: [] };
    }
    const values = new Float64Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const v = sample[i];
      if (v === null) values[i] = Number.NaN;
      else if (typeof v === 'number') values[i] = v;
      else return column;
    }
    packed.push([column.name, encodeArray(values)]);
    return { ...column, sample: [] };
  });
  // A partial's profile keeps its priorities as a JSON array (the samples travel packed beside it).
  // A sample of every row (size Infinity in memory) is written "all", as in a profile document.
  const size = (Number.isFinite(profile.sample.size) ? profile.sample.size : 'all') as number;
  const sample = { ...profile.sample, size, priorities: Array.from(profile.sample.priorities) };
  return { profile: { ...profile, sample, columns }, packed_samples: Object.fromEntries(packed) };
}

/** The profile with its packed samples put back (see packSamples). */
export function unpackSamples(profile: Profile, packed: Record<string, string> | undefined, source: string): Profile {
  const size = (profile.sample.size as number | 'all') === 'all' ? SAMPLE_ALL : profile.sample.size;
  const sample = { ...profile.sample, size, priorities: Float64Array.from(profile.sample.priorities) };
  if (!packed) return { ...profile, sample };
  const rows = profile.sample.priorities.length;
  const columns = profile.columns.map((column) => {
    const text = ownValue(packed, column.name);
    if (text === undefined) return column;
    const values = decodeFloat64(text, source);
    if (values.length !== rows)
      throw new ConfigurationError(
        `${source}: the packed sample of ${column.name} holds ${values.length} values for ${rows} sampled rows; the partial report is damaged`,
        { file: source },
      );
    return { ...column, sample: values };
  });
  return { ...profile, sample, columns };
}
