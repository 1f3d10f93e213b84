import type { DeferredArray } from '../core/data/deferred-array.js';
import type { Profile, SampleValue } from '../core/profile/profile.js';
import { ConfigurationError } from '../core/errors.js';

/**
 * How a profile document (mlgate/profile@2) stores its samples: compactly, in base64 text, where version 1 wrote
 * JSON numbers. Measured on a column of 1,000,000 values with 4 decimals (the drift benchmark's data): JSON 7.4 MB,
 * float64 in base64 10.7 MB, decimal-varint 3.2 MB (encoded in about 70 ms, decoded in about 30 ms; deflate on top
 * saved only 8% for as much time again, so it is not used). A profile of 1,000,000 rows and 20 numeric columns is
 * then about 70 MB where version 1 wrote 222 MB.
 *
 * - numbers, `decimal-varint`: each value is v = m / 10^decimals for an integer m (checked value by value: the
 *   division of the integer by the power of ten is exactly the value read, so decoding gives the same double);
 *   stored as LEB128 varints of zigzag(m) + 2, 0 for null and 1 for −0 (a CSV's "-0.0000").
 * - numbers, `float64`: the little-endian bytes of each double, NaN for null: for values with no short decimal
 *   form.
 * - texts, `dictionary`: the distinct texts once, and each row's index into them plus one (0 for null) as varints.
 * - priorities, `delta-varint`: ascending integers below 2^53, as varints of the difference from the previous one.
 */
export interface EncodedNumbers {
  encoding: 'decimal-varint' | 'float64';
  count: number;
  decimals?: number;
  data: string;
}

export interface EncodedTexts {
  encoding: 'dictionary';
  count: number;
  values: string[];
  data: string;
}

export interface EncodedPriorities {
  encoding: 'delta-varint';
  count: number;
  data: string;
}

/** The largest number of decimals tried before a column is stored as float64. */
const MAX_DECIMALS = 12;
/** Scaled integers beyond this are stored as float64 (zigzag doubles them: they must stay exact in a double). */
const MAX_SCALED = 2 ** 51;
const TWO_31 = 2 ** 31;

/** A numeric sample (NaN for null) in its most compact exact form. */
export function encodeNumbers(values: Float64Array): EncodedNumbers {
  const decimals = shortestDecimals(values);
  if (decimals < 0)
    return {
      encoding: 'float64',
      count: values.length,
      data: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64'),
    };
  const scale = 10 ** decimals;
  const out = new VarintWriter(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) out.put(0);
    else if (v === 0 && 1 / v < 0) out.put(1);
    else {
      const m = Math.round(v * scale);
      out.put((m < 0 ? -2 * m - 1 : 2 * m) + 2);
    }
  }
  return { encoding: 'decimal-varint', count: values.length, decimals, data: out.base64() };
}

/**
 * The fewest decimals with which every value is m / 10^d for an integer m, exactly as a double (−1: none up to
 * MAX_DECIMALS, or a value too large).
 */
function shortestDecimals(values: Float64Array): number {
  let decimals = 0;
  let scale = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) return -1;
    for (;;) {
      const m = Math.round(v * scale);
      if (Math.abs(m) > MAX_SCALED) return -1;
      if (m / scale === v) break;
      if (++decimals > MAX_DECIMALS) return -1;
      scale *= 10;
    }
  }
  // Values checked before the decimals grew were checked at a smaller scale: at the final one a large value's scaled
  // integer can pass 2^53 (63074463698371 beside 0.1234 came back as 63074463698370.99), so all are checked again.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const m = Math.round(v * scale);
    if (Math.abs(m) > MAX_SCALED || m / scale !== v) return -1;
  }
  return decimals;
}

/** The numbers an EncodedNumbers holds (NaN for null); `source` names the document in errors. */
export function decodeNumbers(encoded: EncodedNumbers, source: string, where: string): Float64Array {
  const bytes = Buffer.from(encoded.data, 'base64');
  if (encoded.encoding === 'float64') {
    if (bytes.length !== encoded.count * 8)
      throw damaged(source, where, `holds ${bytes.length} bytes for ${encoded.count} float64 values`);
    return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  const scale = 10 ** (encoded.decimals ?? 0);
  const values = new Float64Array(encoded.count);
  const reader = new VarintReader(bytes, source, where);
  for (let i = 0; i < values.length; i++) {
    const z = reader.next();
    if (z === 0) values[i] = Number.NaN;
    else if (z === 1) values[i] = -0;
    else {
      const zigzag = z - 2;
      const m = zigzag % 2 === 1 ? -(zigzag + 1) / 2 : zigzag / 2;
      values[i] = m / scale;
    }
  }
  reader.end(encoded.count);
  return values;
}

/** A text sample by dictionary: each distinct text once. */
export function encodeTexts(ids: Int32Array, texts: readonly string[]): EncodedTexts {
  // Only the texts the sample uses, in order of first use.
  const used = new Int32Array(texts.length).fill(-1);
  const values: string[] = [];
  const out = new VarintWriter(ids.length * 2);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0) {
      out.put(0);
      continue;
    }
    if (used[id]! < 0) {
      used[id] = values.length;
      values.push(texts[id]!);
    }
    out.put(used[id]! + 1);
  }
  return { encoding: 'dictionary', count: ids.length, values, data: out.base64() };
}

/** The texts an EncodedTexts holds (null for null). */
export function decodeTexts(encoded: EncodedTexts, source: string, where: string): SampleValue[] {
  const reader = new VarintReader(Buffer.from(encoded.data, 'base64'), source, where);
  const sample = new Array<SampleValue>(encoded.count);
  for (let i = 0; i < encoded.count; i++) {
    const id = reader.next();
    if (id > encoded.values.length) throw damaged(source, where, `refers to text ${id} of ${encoded.values.length}`);
    sample[i] = id === 0 ? null : encoded.values[id - 1]!;
  }
  reader.end(encoded.count);
  return sample;
}

/**
 * Ascending sample priorities (integers below 2^53, as mlgate makes them) as varints of their differences; other
 * priorities (a hand-made version-1 profile's) stay a JSON array.
 */
export function encodePriorities(priorities: ArrayLike<number>): EncodedPriorities | number[] {
  const out = new VarintWriter(priorities.length * 6);
  let previous = 0;
  for (let i = 0; i < priorities.length; i++) {
    const p = priorities[i]!;
    if (!(p >= previous) || !Number.isSafeInteger(p)) return Array.from(priorities);
    out.put(p - previous);
    previous = p;
  }
  return { encoding: 'delta-varint', count: priorities.length, data: out.base64() };
}

export function decodePriorities(encoded: EncodedPriorities, source: string): Float64Array {
  const reader = new VarintReader(Buffer.from(encoded.data, 'base64'), source, '/sample/priorities');
  const priorities = new Float64Array(encoded.count);
  let previous = 0;
  for (let i = 0; i < encoded.count; i++) priorities[i] = previous += reader.next();
  reader.end(encoded.count);
  return priorities;
}

/**
 * A profile as its version-2 document stores it: priorities, numeric samples and text samples encoded; samples of
 * other values (booleans, mixed) stay arrays, and those still deferred stay in `deferred` for the writer.
 */
export function encodeProfile(profile: Profile, deferred?: ReadonlyMap<unknown[], DeferredArray<unknown>>): object {
  if (profile.sample.sorted)
    throw new Error('a profile of sorted samples (finishSorted) is for comparing, not for writing');
  const priorities = deferred?.get(profile.sample.priorities as number[]);
  const orderedPriorities = priorities?.numbers
    ? priorities.numbers(0, priorities.length, new Float64Array(priorities.length))
    : profile.sample.priorities;
  return {
    ...profile,
    schema: 'mlgate/profile@2',
    // An empty sample (sample-size 0) stays an empty array: nothing to encode.
    sample: {
      ...profile.sample,
      size: Number.isFinite(profile.sample.size) ? profile.sample.size : 'all',
      priorities: orderedPriorities.length > 0 ? encodePriorities(orderedPriorities) : [],
    },
    columns: profile.columns.map((column) => {
      const { sample } = column;
      const later = Array.isArray(sample) ? deferred?.get(sample) : undefined;
      if ((later ?? sample).length === 0) return { ...column, sample: [] };
      if (sample instanceof Float64Array) return { ...column, sample: encodeNumbers(sample) };
      if (later?.numbers)
        return { ...column, sample: encodeNumbers(later.numbers(0, later.length, new Float64Array(later.length))) };
      if (later?.ids && later.texts)
        return {
          ...column,
          sample: encodeTexts(later.ids(0, later.length, new Int32Array(later.length)), later.texts),
        };
      if (later) return column;
      return { ...column, sample: encodeValues(sample) };
    }),
  };
}

/** A sample of values: numbers and texts encoded as such, anything else (booleans, a mix) as a JSON array. */
function encodeValues(sample: readonly SampleValue[]): EncodedNumbers | EncodedTexts | readonly SampleValue[] {
  if (sample.length > 0 && sample.every((v) => v === null || typeof v === 'number'))
    return encodeNumbers(Float64Array.from(sample, (v) => (v === null ? Number.NaN : v)));
  if (sample.length > 0 && sample.every((v) => v === null || typeof v === 'string')) {
    const index = new Map<string, number>();
    const texts: string[] = [];
    const ids = Int32Array.from(sample, (v) => {
      if (v === null) return -1;
      let id = index.get(v as string);
      if (id === undefined) index.set(v as string, (id = texts.push(v as string) - 1));
      return id;
    });
    return encodeTexts(ids, texts);
  }
  return sample;
}

/**
 * A profile document (version 1 or 2, checked against its schema) in memory: samples of numbers as Float64Array
 * (NaN for null), priorities as Float64Array, `sample.size` Infinity for `all`. Changes the document in place.
 */
export function decodeProfile(document: Record<string, unknown>, source: string): Profile {
  const profile = document as unknown as Profile;
  const sample = document.sample as { size: number | 'all'; priorities: number[] | EncodedPriorities | Float64Array };
  if (sample.size === 'all') sample.size = Number.POSITIVE_INFINITY;
  const priorities = sample.priorities;
  sample.priorities = Array.isArray(priorities)
    ? Float64Array.from(priorities)
    : decodePriorities(priorities as EncodedPriorities, source);
  const rows = sample.priorities.length;
  profile.columns.forEach((column, c) => {
    const stored = column.sample as unknown as SampleValue[] | EncodedNumbers | EncodedTexts;
    const where = `/columns/${c}/sample`;
    if (Array.isArray(stored)) {
      // Version 1 wrote numbers as JSON: numeric columns' samples go to typed memory all the same.
      const numeric = column.type === 'int' || column.type === 'float' || column.type === 'datetime';
      if (numeric && stored.every((v) => v === null || typeof v === 'number'))
        column.sample = Float64Array.from(stored, (v) => (v === null ? Number.NaN : (v as number)));
    } else {
      column.sample =
        stored.encoding === 'dictionary' ? decodeTexts(stored, source, where) : decodeNumbers(stored, source, where);
    }
    if (column.sample.length !== rows && column.sample.length !== 0)
      throw damaged(source, where, `holds ${column.sample.length} values for ${rows} sampled rows`);
  });
  profile.schema = 'mlgate/profile@2';
  return profile;
}

function damaged(source: string, where: string, what: string): ConfigurationError {
  return new ConfigurationError(
    `${source}: ${where} ${what}; the profile is damaged: write it again with validate-data`,
    { file: source },
  );
}

/** LEB128 varints of non-negative integers below 2^53 into a growing buffer. */
class VarintWriter {
  private bytes: Buffer;
  private used = 0;

  constructor(expected: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(16, expected));
  }

  put(value: number): void {
    if (this.used + 8 > this.bytes.length) {
      const next = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    let v = value;
    // Above 2^31 the bit operators would wrap: those bytes are taken by division.
    while (v >= TWO_31) {
      this.bytes[this.used++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    while (v >= 128) {
      this.bytes[this.used++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.bytes[this.used++] = v;
  }

  base64(): string {
    return this.bytes.toString('base64', 0, this.used);
  }
}

/** Reads LEB128 varints, refusing truncated or overlong data. */
class VarintReader {
  private at = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly source: string,
    private readonly where: string,
  ) {}

  next(): number {
    const { bytes } = this;
    let value = 0;
    let factor = 1;
    for (;;) {
      if (this.at >= bytes.length) throw damaged(this.source, this.where, 'ends before its last value');
      const byte = bytes[this.at++]!;
      value += (byte & 127) * factor;
      if (byte < 128) return value;
      factor *= 128;
      if (factor > 2 ** 56) throw damaged(this.source, this.where, 'holds a value too large');
    }
  }

  end(count: number): void {
    if (this.at !== this.bytes.length)
      throw damaged(this.source, this.where, `holds more data than its ${count} values`);
  }
}
