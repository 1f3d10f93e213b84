import { mkdir, open, readFile, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DOCUMENT_KINDS, parseSchemaId, READABLE_MAJORS, type DocumentKind } from '../core/documents.js';
import type { DeferredArray } from '../core/data/deferred-array.js';
import { MAX_FAST_NUMBER_BYTES, writeJsonNumber } from '../core/data/json-number.js';
import { ConfigurationError } from '../core/errors.js';
import type { Profile } from '../core/profile/profile.js';
import { describeSchemaError, documentValidator } from './document-schemas.js';
import { decodeProfile, encodeProfile } from './profile-encoding.js';

/** Reports are small; anything larger is refused before parsing (reports can come from untrusted artifacts). */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

/**
 * Profiles and partial reports carry row samples: a profile of every row of a 1,000,000-row table of 20 numeric
 * columns takes about 70 MB (float64 samples, for values with no short decimal form, up to 220 MB).
 */
export const MAX_SAMPLE_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** The size limit of each kind, checked before parsing, and what to do about a file above it. */
const SIZE_LIMITS: Partial<Record<DocumentKind, { bytes: number; advice: string }>> = {
  profile: {
    bytes: MAX_SAMPLE_DOCUMENT_BYTES,
    advice:
      "write the profile with a smaller sample-size (validate-data's sample-size input), or give drift-check the data files instead",
  },
  partial: { bytes: MAX_SAMPLE_DOCUMENT_BYTES, advice: 'run with more shards, or a smaller sample-size' },
};

/** A document read from a file and checked against its schema. */
export interface LoadedDocument<T = unknown> {
  path: string;
  kind: DocumentKind;
  document: T;
}

/** Why a JSON file is not a readable mlgate document; `notMlgate` marks JSON that is simply something else. */
export class DocumentError extends ConfigurationError {
  constructor(
    message: string,
    file: string,
    readonly notMlgate = false,
  ) {
    super(message, { file });
  }
}

/**
 * Reads a document and validates it against the schema its `schema` field names.
 * `name` is how errors and the result refer to the file (the path as the user wrote it).
 */
export async function readDocument<T = unknown>(
  path: string,
  name = path,
  maxBytes?: number,
): Promise<LoadedDocument<T>> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new DocumentError(`${name}: file not found; check the path (it is relative to the working directory)`, name);
  }
  // The limit is the kind's: mlgate writes the schema field first, so the first bytes name the kind.
  const kind = size > MAX_DOCUMENT_BYTES ? await peekKind(path) : undefined;
  const limit = maxBytes ?? (kind && SIZE_LIMITS[kind]?.bytes) ?? MAX_DOCUMENT_BYTES;
  if (size > limit) {
    const what = kind ? `a ${kind}` : 'an mlgate report';
    const advice = (kind && SIZE_LIMITS[kind]?.advice) ?? 'is this a file mlgate wrote?';
    throw new DocumentError(
      `${name}: ${megabytes(size)} is larger than the ${megabytes(limit)} ${what} may have; ${advice}`,
      name,
    );
  }
  return await parseDocument<T>(await readFile(path, 'utf8'), name);
}

/** The kind a document's first bytes name (`{"schema":"mlgate/<kind>@`), if any. */
async function peekKind(path: string): Promise<DocumentKind | undefined> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(256), 0, 256, 0);
    const kind = /^\s*\{\s*"schema"\s*:\s*"mlgate\/([a-z-]+)@/.exec(buffer.toString('utf8', 0, bytesRead))?.[1];
    return kind !== undefined && Object.hasOwn(DOCUMENT_KINDS, kind) ? (kind as DocumentKind) : undefined;
  } finally {
    await file.close();
  }
}

/** Bytes in MiB, for messages. */
function megabytes(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return `${mib >= 10 ? Math.round(mib) : mib.toFixed(1)} MiB`;
}

/** Reads a document that must be of one kind; `hint` says what to give instead. */
export async function readDocumentOfKind<T>(
  path: string,
  name: string,
  kind: DocumentKind,
  hint = '',
  maxBytes?: number,
): Promise<T> {
  const loaded = await readDocument<T>(path, name, maxBytes);
  if (loaded.kind !== kind)
    throw new DocumentError(`${name}: is a ${loaded.kind}, not a ${kind}${hint ? `; ${hint}` : ''}`, name);
  return loaded.document;
}

/** Parses and validates a document's text; `source` names it in errors. */
export async function parseDocument<T = unknown>(text: string, source: string): Promise<LoadedDocument<T>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DocumentError(
      `${source}: invalid JSON (${describeJsonError(text, error)}); mlgate documents are JSON files written by mlgate`,
      source,
    );
  }
  const schema =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as { schema?: unknown }).schema
      : undefined;
  if (typeof schema !== 'string' || !schema.startsWith('mlgate/')) {
    throw new DocumentError(
      `${source}: not an mlgate document (no "schema": "mlgate/<kind>@<version>" field)`,
      source,
      true,
    );
  }
  const id = parseSchemaId(schema);
  if (!id || !Object.hasOwn(DOCUMENT_KINDS, id.kind)) {
    const known = Object.keys(DOCUMENT_KINDS).map((k) => `mlgate/${k}@${DOCUMENT_KINDS[k as DocumentKind]}`);
    throw new DocumentError(
      `${source}: unknown document schema "${truncate(schema)}"; expected one of ${known.join(', ')}`,
      source,
    );
  }
  const kind = id.kind as DocumentKind;
  if (id.major !== DOCUMENT_KINDS[kind] && !READABLE_MAJORS[kind]?.includes(id.major)) {
    throw new DocumentError(
      `${source}: ${kind} version ${id.major} is not supported by this mlgate (it reads version ${DOCUMENT_KINDS[kind]}); use the same mlgate version to write and read reports`,
      source,
    );
  }
  const validate = await documentValidator(kind);
  if (!validate(value)) {
    throw new DocumentError(`${source}: invalid ${kind}: ${describeSchemaError(validate.errors![0]!)}`, source);
  }
  // Profiles are read into memory as version 2 holds them: samples of numbers in typed memory.
  if (kind === 'profile')
    return { path: source, kind, document: decodeProfile(value as Record<string, unknown>, source) as T };
  return { path: source, kind, document: value as T };
}

/**
 * Validates a document and writes it atomically (a reader never sees half a file). Reports are indented for people;
 * `compact` documents (profiles, whose samples hold many values) are written without indentation, in pieces (see
 * writeCompact), so that no large string is built. `deferred` gives the values of arrays the document holds empty
 * (a profile's samples, see ProfileBuilder.finishDeferred): they are written as they are built, a slice at a time,
 * and checked as they are written; the schema checks the rest of the document.
 */
export async function writeDocument(
  path: string,
  document: { schema: string },
  options: { compact?: boolean; deferred?: ReadonlyMap<unknown[], DeferredArray<unknown>> } = {},
): Promise<void> {
  if (options.deferred && !options.compact)
    throw new Error(`${path}: deferred arrays are written only in compact documents`);
  // A profile is written with its samples encoded (see profile-encoding.ts); what it still defers is written as before.
  if (parseSchemaId(document.schema)?.kind === 'profile')
    document = encodeProfile(document as Profile, options.deferred) as { schema: string };
  await checkDocument(document, path);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w');
  try {
    if (options.compact) {
      const out = new PieceWriter(file);
      await writeCompact(out, document, options.deferred);
      await out.end('\n');
    } else {
      await file.write(`${JSON.stringify(document, null, 2)}\n`);
    }
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}

/** Values of a long array stringified at a time: small strings, which the collector frees at once. */
const SLICE = 4096;

/** Room for one number and its comma: String(value) of a double is at most 25 characters. */
const NUMBER_ROOM = Math.max(MAX_FAST_NUMBER_BYTES, 25) + 1;

/**
 * Text written to a file through one reused 1 MB buffer: the pieces are encoded into it, so neither a large string
 * nor a fresh buffer per write is left for the collector (a profile's megabytes of JSON otherwise stayed in memory
 * until a full collection).
 */
class PieceWriter {
  private readonly buffer = Buffer.allocUnsafeSlow(1 << 20);
  private used = 0;

  constructor(private readonly file: FileHandle) {}

  async write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (this.used + bytes > this.buffer.length) await this.flush();
    if (bytes > this.buffer.length) await this.file.write(text);
    else this.used += this.buffer.write(text, this.used);
  }

  /**
   * Writes numbers and nulls as JSON array items, comma-separated, each formatted straight into the buffer where
   * writeJsonNumber can (a profile's sampled numbers): no string per slice, no second encoding.
   */
  async writeNumbers(items: readonly (number | null)[], start: number, end: number): Promise<void> {
    for (let i = start; i < end; i++) {
      if (this.used + NUMBER_ROOM > this.buffer.length) await this.flush();
      if (i > start) this.buffer[this.used++] = 44;
      this.putNumber(items[i]!);
    }
  }

  /** One number as JSON.stringify writes it (null for NaN, infinities and null), where NUMBER_ROOM is left. */
  private putNumber(value: number | null): void {
    const end = value === null ? -1 : writeJsonNumber(value, this.buffer, this.used);
    if (end >= 0) this.used = end;
    else
      this.used += this.buffer.write(
        value !== null && Number.isFinite(value) ? String(value) : 'null',
        this.used,
        'latin1',
      );
  }

  async end(text: string): Promise<void> {
    await this.write(text);
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.used > 0) await this.file.write(this.buffer, 0, this.used);
    this.used = 0;
  }
}

/**
 * Writes what JSON.stringify(value) gives, without building it: objects and arrays are written part by part, and
 * runs of values that hold no object are stringified SLICE at a time. A profile's samples (1e5 values a column)
 * would otherwise become megabyte strings, which live in the old generation until a full collection.
 */
async function writeCompact(
  out: PieceWriter,
  value: unknown,
  deferred?: ReadonlyMap<unknown[], DeferredArray<unknown>>,
): Promise<void> {
  const json = value as { toJSON?: () => unknown } | null;
  if (json !== null && typeof json === 'object' && typeof json.toJSON === 'function')
    return writeCompact(out, json.toJSON(), deferred);
  if (Array.isArray(value)) {
    const values = deferred?.get(value);
    await out.write('[');
    if (values) {
      // Built a slice at a time into one array: primitives only, as the schema would have required of the array.
      const scratch: unknown[] = [];
      for (let start = 0; start < values.length; start += SLICE) {
        const slice = values.slice(start, start + SLICE, scratch);
        if (!slice.every((item) => item === null || typeof item !== 'object'))
          throw new Error('a deferred array holds an object');
        if (start > 0) await out.write(',');
        await writeSlice(out, slice, 0, slice.length);
      }
    } else {
      for (let start = 0; start < value.length; start += SLICE) {
        if (start > 0) await out.write(',');
        await writeSlice(out, value, start, Math.min(start + SLICE, value.length), deferred);
      }
    }
    await out.write(']');
    return;
  }
  if (value !== null && typeof value === 'object') {
    await out.write('{');
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      await out.write(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      await writeCompact(out, item, deferred);
    }
    await out.write('}');
    return;
  }
  await out.write(JSON.stringify(value));
}

/** Items [start, end) of an array, comma-separated; numbers are written from the array itself, with no copy. */
async function writeSlice(
  out: PieceWriter,
  items: readonly unknown[],
  start: number,
  end: number,
  deferred?: ReadonlyMap<unknown[], DeferredArray<unknown>>,
): Promise<void> {
  if (allNumbers(items, start, end)) return out.writeNumbers(items as (number | null)[], start, end);
  const slice = items.slice(start, end);
  if (slice.every((item) => item === null || typeof item !== 'object'))
    return out.write(JSON.stringify(slice).slice(1, -1));
  for (let i = 0; i < slice.length; i++) {
    if (i > 0) await out.write(',');
    if (slice[i] === undefined || typeof slice[i] === 'function' || typeof slice[i] === 'symbol')
      await out.write('null');
    else await writeCompact(out, slice[i], deferred);
  }
}

/** Whether items [start, end) are all numbers or null. */
function allNumbers(items: readonly unknown[], start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const item = items[i];
    if (item !== null && typeof item !== 'number') return false;
  }
  return true;
}

/** Checks an in-memory document against its schema before it is written: mlgate never writes an invalid one. */
async function checkDocument(document: { schema: string }, path: string): Promise<void> {
  const id = parseSchemaId(document.schema);
  if (!id || !Object.hasOwn(DOCUMENT_KINDS, id.kind))
    throw new Error(`${path}: cannot write a document of unknown schema ${document.schema}`);
  const validate = await documentValidator(id.kind as DocumentKind);
  if (!validate(document)) {
    throw new Error(`${path}: mlgate produced an invalid ${id.kind}: ${describeSchemaError(validate.errors![0]!)}`);
  }
}

function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset).split('\n');
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected/, 'unexpected');
    return `${reason.charAt(0).toLowerCase()}${reason.slice(1)} at line ${before.length}, column ${before.at(-1)!.length + 1}`;
  }
  if (/Unexpected end of JSON input/.test(message))
    return text.trim() === '' ? 'the file is empty' : 'the file ends too early';
  const token = /Unexpected token '(.+?)'/.exec(message);
  return token ? `unexpected token '${token[1]}'` : 'not valid JSON';
}

function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
