import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PartialDocument, ShardedStep } from '../core/documents.js';
import { ConfigurationError } from '../core/errors.js';
import { checkShardCoverage } from '../core/shard/shard-pieces.js';
import type { ShardSpec } from '../core/shard/shard-spec.js';
import type { DatasetFile } from './readers/dataset.js';
import { readDocumentOfKind } from './documents.js';
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

/** A hash of everything the shards of one run must share: the step, the files and the step's options. */
export function fingerprint(step: ShardedStep, files: readonly { path: string; bytes: number }[], options: unknown): string {
  return sha256Hex(JSON.stringify({ step, files, options }));
}

/**
 * Reads the partial reports of every shard of one step (paths or globs), checks that they are of that step, of the
 * same inputs, each shard once and all there, and that together they read every row once; returns them in shard
 * order. `label` names the input in messages.
 */
export async function readPartials(patterns: readonly string[], cwd: string, step: ShardedStep, label: string): Promise<LoadedPartial[]> {
  const { files, unmatched } = await resolveReportFiles(patterns, cwd);
  if (unmatched.length > 0) throw new ConfigurationError(`${label}: no partial report matches ${unmatched.join(', ')}; download every shard's artifact first`);
  const partials: LoadedPartial[] = [];
  for (const file of files) {
    const document = await readDocumentOfKind<PartialDocument>(resolve(cwd, file.path), file.path, 'partial', `give the partial reports that ${step} writes with shard: i/n`, MAX_PARTIAL_BYTES);
    if (document.step !== step) throw new ConfigurationError(`${file.path}: is a partial report of ${document.step}, not of ${step}; merge each step's partials with that step`, { file: file.path });
    partials.push({ source: file.path, document, shard: document.shard });
  }
  if (partials.length === 0) throw new ConfigurationError(`${label} names no partial reports`);
  const first = partials[0]!;
  for (const partial of partials) {
    if (partial.document.fingerprint !== first.document.fingerprint) {
      throw new ConfigurationError(`${partial.source} and ${first.source} are shards of different inputs (other data files, sizes, or options); merge only the shards of one run, all run with the same inputs`, { file: partial.source });
    }
  }
  return checkShardCoverage(partials, first.document.files.map((f) => f.path));
}

/** Typed arrays travel in documents as base64 of their little-endian bytes: exact, and a third of decimal text's size. */
export function encodeArray(array: Float64Array | Uint32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

export function decodeFloat64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function decodeUint32(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
